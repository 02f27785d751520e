import { Match, type Template } from 'aws-cdk-lib/assertions';
import { ALARM_THRESHOLDS, CONFIG_FAILURE_MESSAGES } from '../../lib/gateway-observability.js';
import { OutageReporter } from '../../lambda/config-store/store-log.js';
import { ERROR_TYPES, SERVER_ERROR_TYPES } from '../../lambda/domain/request-facts.js';
import { buildTestGateway } from './fixtures.js';

/** The dashboard body with every CloudFormation token (function name, region refs) as `<token>`. */
function dashboardBody(template: Template): { widgets: Array<{ type: string; properties: Record<string, any> }> } {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Array<{ Properties: { DashboardBody: unknown } }>;
  const body = dashboard!.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<token>')).join('');
  return JSON.parse(text);
}

const CONFIGURED_MODELS = ['gpt-55-bedrock', 'gpt-oss-120b', 'claude-opus-4-7', 'qwen3-32b', 'mistral-large-3'];

describe('the dashboard', () => {
  let template: Template;
  beforeAll(async () => {
    template = (await buildTestGateway()).template();
  });

  it('is named after the stage and region', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'MantleGateway-prod-us-east-2' });
  });

  it('has the widgets the README lists, in order', () => {
    expect(dashboardBody(template).widgets.map((widget) => widget.properties['title'])).toEqual([
      'Requests by model',
      'Errors by type',
      'Latency p50 / p99 (ms)',
      'Time to first byte p50 / p99 (ms)',
      'Input tokens by model',
      'Output tokens by model',
      'Fallbacks, retries and upstream throttles',
      'Lambda concurrency and throttles',
      'Duration against the timeout (ms)',
      'Alarms',
    ]);
  });

  /** `[namespace, name, dim, value, ...]` rows of one widget, options dropped. */
  function rows(title: string): string[][] {
    const widget = dashboardBody(template).widgets.find((candidate) => candidate.properties['title'] === title)!;
    return (widget.properties['metrics'] as unknown[][]).map((row) => row.filter((cell): cell is string => typeof cell === 'string'));
  }

  it('graphs requests and tokens per configured model, plus unknown', () => {
    for (const [title, metric] of [['Requests by model', 'Requests'], ['Input tokens by model', 'InputTokens'], ['Output tokens by model', 'OutputTokens']] as const) {
      expect(rows(title)).toEqual([...CONFIGURED_MODELS, 'unknown'].map((model) => ['MantleGateway', metric, 'model', model, 'service', 'mantle-gateway', 'stage', 'prod']));
    }
  });

  it('graphs errors by every type of the closed set', () => {
    expect(rows('Errors by type')).toEqual(ERROR_TYPES.map((type) => ['MantleGateway', 'Errors', 'errorType', type, 'service', 'mantle-gateway', 'stage', 'prod']));
  });

  it('graphs p50 and p99 of latency and time to first byte', () => {
    const widgets = dashboardBody(template).widgets;
    for (const [title, metric] of [['Latency p50 / p99 (ms)', 'Latency'], ['Time to first byte p50 / p99 (ms)', 'TimeToFirstByte']] as const) {
      const widget = widgets.find((candidate) => candidate.properties['title'] === title)!;
      const stats = (widget.properties['metrics'] as unknown[][]).map((row) => [row[1], (row.at(-1) as { stat: string }).stat]);
      expect(stats).toEqual([[metric, 'p50'], [metric, 'p99']]);
    }
  });

  it('graphs fallbacks, retries and throttles, and the function\'s concurrency, throttles and duration against the timeout', () => {
    expect(rows('Fallbacks, retries and upstream throttles').map((row) => row[1])).toEqual(['Fallbacks', 'Retries', 'Throttles']);
    expect(rows('Lambda concurrency and throttles').map((row) => row.slice(0, 2))).toEqual([['AWS/Lambda', 'ConcurrentExecutions'], ['AWS/Lambda', 'Throttles']]);
    const duration = dashboardBody(template).widgets.find((widget) => widget.properties['title'] === 'Duration against the timeout (ms)')!;
    expect(duration.properties['annotations']).toEqual({ horizontal: [{ value: 900_000, label: 'timeout', yAxis: 'left' }] });
    expect(rows('Duration against the timeout (ms)').map((row) => row.slice(0, 2))).toEqual([['AWS/Lambda', 'Duration'], ['AWS/Lambda', 'Duration']]);
  });
});

describe('the alarms', () => {
  let template: Template;
  beforeAll(async () => {
    template = (await buildTestGateway({ timeoutSeconds: 300 })).template();
  });

  it('alarms on the share of requests failing server-side: the 5xx error types over Requests, 5% for 15 minutes', () => {
    const [alarm] = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmDescription: Match.stringLikeRegexp('failing server-side') } })) as any[];
    const props = alarm.Properties;
    expect(props).toMatchObject({ Threshold: ALARM_THRESHOLDS.serverErrorRatePercent, EvaluationPeriods: 3, DatapointsToAlarm: 3, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    expect(ALARM_THRESHOLDS.serverErrorRatePercent).toBe(5);
    const expression = props.Metrics.find((metric: any) => metric.Expression).Expression as string;
    expect(expression).toBe(`100 * (${SERVER_ERROR_TYPES.map((_, index) => `FILL(e${index}, 0)`).join(' + ')}) / requests`);
    const stats = props.Metrics.filter((metric: any) => metric.MetricStat).map((metric: any) => [metric.Id, metric.MetricStat.Metric.MetricName, metric.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'errorType')?.Value]);
    expect(stats).toEqual([...SERVER_ERROR_TYPES.map((type, index) => [`e${index}`, 'Errors', type]), ['requests', 'Requests', undefined]]);
  });

  it('alarms on the upstream throttling rate: Throttles over Requests, 10% for 15 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('Mantle throttled'),
      Threshold: 10,
      EvaluationPeriods: 3,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * (FILL(t, 0)) / requests' }),
        Match.objectLike({ Id: 't', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'MantleGateway', MetricName: 'Throttles' }), Stat: 'Sum', Period: 300 }) }),
      ]),
    });
  });

  it.each([
    ['Lambda errors', 'failed invocations', 'Errors', 'Sum', 1],
    ['Lambda throttles', 'throttled invocations', 'Throttles', 'Sum', 1],
    ['duration close to the timeout (90% of 300 s)', 'ran for 90%', 'Duration', 'Maximum', 270_000],
  ])('alarms on %s from the function\'s metrics', (_name, description, metricName, statistic, threshold) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp(description),
      Namespace: 'AWS/Lambda',
      MetricName: metricName,
      Statistic: statistic,
      Period: 300,
      Threshold: threshold,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'FunctionName', Value: Match.anyValue() }],
    });
  });

  it('alarms on SSM config reads failing: the store\'s failure lines (a metric filter) or requests answered config_unavailable', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.message = "Reading the route configuration from SSM failed*") || ($.message = "Applying the configuration read from SSM failed*") }',
      MetricTransformations: [{ MetricNamespace: 'MantleGateway', MetricName: 'ConfigReadFailures', MetricValue: '1', Dimensions: [{ Key: 'stage', Value: '$.stage' }] }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('route configuration from SSM failed'),
      Threshold: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(reads, 0) + FILL(unavailable, 0)' }),
        Match.objectLike({ Id: 'reads', MetricStat: Match.objectLike({ Metric: { Namespace: 'MantleGateway', MetricName: 'ConfigReadFailures', Dimensions: [{ Name: 'stage', Value: 'prod' }] } }) }),
        Match.objectLike({ Id: 'unavailable', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Dimensions: Match.arrayWith([{ Name: 'errorType', Value: 'config_unavailable' }]) }) }) }),
      ]),
    });
  });

  it('matches the lines the config store really writes when SSM reads fail', () => {
    const messages: string[] = [];
    const log = { error: (message: string) => void messages.push(message), warn: () => undefined, info: () => undefined };
    new OutageReporter(log, '/mantle-gateway', () => 0).failed(new Error('down'), true);
    new OutageReporter(log, '/mantle-gateway', () => 0).failed(new Error('down'), false);
    expect(messages).toHaveLength(2);
    const prefixes = CONFIG_FAILURE_MESSAGES.map((pattern) => pattern.replace(/\*$/, ''));
    for (const message of messages) expect(prefixes.some((prefix) => message.startsWith(prefix))).toBe(true);
  });

  it('has exactly these six alarms and, by default, no topic and no alarm actions', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toBeUndefined();
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });
});

describe('alarm notifications from the deploy settings', () => {
  it('creates a topic per region, TLS only, and has every alarm notify it', async () => {
    const template = (await buildTestGateway({ alarmTopic: 'create' })).template();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^ObservabilityAlarmTopic/) }]);
    template.hasOutput('AlarmTopicArn', {});
  });

  it('notifies an existing topic of the stack\'s own region', async () => {
    const east = 'arn:aws:sns:us-east-2:111122223333:ops-alarms';
    const west = 'arn:aws:sns:us-west-2:111122223333:ops-alarms';
    const gateway = await buildTestGateway({ regions: 'us-east-2,us-west-2', alarmTopic: `${east},${west}` });
    for (const [region, arn] of [['us-east-2', east], ['us-west-2', west]] as const) {
      const template = gateway.template(region);
      template.resourceCountIs('AWS::SNS::Topic', 0);
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[]) expect(alarm.Properties.AlarmActions).toEqual([arn]);
    }
  });

  it('passes the log level to the function', async () => {
    const template = (await buildTestGateway({ logLevel: 'DEBUG' })).template();
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ POWERTOOLS_LOG_LEVEL: 'DEBUG', GATEWAY_STAGE: 'prod' }) } });
  });
});
