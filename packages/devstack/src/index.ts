export type { EmbeddedServer } from './embedded/embedded-stack.ts';
export { KAFKA_VERSION, MONGO_JAVA_SERVER_VERSION } from './embedded/versions.ts';
export type { Endpoints, Stack, StackSource, StartStackOptions } from './stack.ts';
export { startStack } from './stack.ts';
export { uniqueName } from './unique-name.ts';
export { startZipkin, type Zipkin } from './zipkin.ts';
