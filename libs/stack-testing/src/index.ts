export * from './stack-cli';
export * from './stack-docker';
export * from './console-page';
export * from './stack-health';
export * from './stack-target';
