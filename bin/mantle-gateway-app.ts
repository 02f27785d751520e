/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy MantleGateway-<region>`. Settings come from CDK context
 * (`cdk.json`, `-c key=value`); see lib/deploy-settings.ts. Runs without AWS credentials.
 */
import { App } from 'aws-cdk-lib';
import { buildGatewayApp, describeUserError } from '../lib/gateway-app.js';

const app = new App();
try {
  await buildGatewayApp(app);
  app.synth();
} catch (error) {
  const message = describeUserError(error);
  if (message === undefined) throw error;
  console.error(message);
  process.exit(1);
}
