export * from './in-memory-ports.ts';
