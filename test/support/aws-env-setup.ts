// Vitest setup file of the AWS test project: runs in each worker before its test file.
import { applyAwsTestEnvironment } from './aws-env.js';

applyAwsTestEnvironment();
