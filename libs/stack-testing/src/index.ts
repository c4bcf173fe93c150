export * from './stack-cli';
export * from './stack-docker';
