export { type Config, ConfigError, loadConfig } from './config.ts';
export { type RunningService, startService } from './service.ts';
