// The API's name and version: /actuator/info, the start-up log line and the
// bundle's package.json (build.mjs reads this file).
export const APP_NAME = 'paws360-api';
export const APP_VERSION = '0.2.0';
