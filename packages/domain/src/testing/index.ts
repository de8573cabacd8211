export * from './mothers.ts';
