import { winston } from '@strapi/logger';
import { readEnv } from '../../../src/core/config';

export default {
  transports: [new winston.transports.Console({ level: readEnv('TEST_LOG_LEVEL') })],
};
