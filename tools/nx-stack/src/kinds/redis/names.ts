// What every part of the redis kind (probe, operations, parity, repair) calls
// its port in service.json and its secret: one definition.
export const REDIS_PORT_NAME = 'redis';
export const REDIS_PASSWORD = 'REDIS_PASSWORD';
