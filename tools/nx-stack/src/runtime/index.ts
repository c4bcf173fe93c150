// The runtime client on its own entry point (@paws360/nx-stack/runtime), for
// tests and tools: importing the plugin's main entry must not load dockerode.
export * from './container-runtime';
export { DockerodeRuntime, engineEndpoint } from './dockerode-runtime';
export * from './runtime-errors';
