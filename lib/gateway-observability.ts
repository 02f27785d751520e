/**
 * A region's dashboard and alarms over the gateway's own metrics (namespace `MantleGateway`, emitted as EMF from
 * the request records) and the function's Lambda metrics. Alarms notify an SNS topic when the deploy settings
 * name one (created by the stack, or an existing topic of the region).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ERROR_TYPES, SERVER_ERROR_TYPES } from '../lambda/domain/request-facts.js';
import { METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../lambda/observe/metric-names.js';

/** The metric the config-store failure log lines become (a metric filter on the function's log group). */
export const CONFIG_READ_FAILURES = 'ConfigReadFailures';

/** The store's error lines when reading or applying SSM fails (lambda/config-store). */
export const CONFIG_FAILURE_MESSAGES = ['Reading the route configuration from SSM failed*', 'Applying the configuration read from SSM failed*'];

/** Alarm thresholds, documented in the README ("Alarms"). */
export const ALARM_THRESHOLDS = {
  /** Percent of requests answered with a server-side error type, over 3 of 3 five-minute periods. */
  serverErrorRatePercent: 5,
  /** Percent of requests throttled by Mantle (429), over 3 of 3 five-minute periods. */
  throttleRatePercent: 10,
  /** Lambda errors (crashes: the handler itself never fails a request) in five minutes. */
  lambdaErrors: 1,
  /** Lambda throttles (concurrency exhausted) in five minutes. */
  lambdaThrottles: 1,
  /** Maximum duration as a share of the timeout, in five minutes. */
  durationShareOfTimeout: 0.9,
  /** Config read failures (or requests answered config_unavailable) in five minutes. */
  configReadFailures: 1,
} as const;

export type AlarmTopicSetting = { readonly mode: 'none' } | { readonly mode: 'create' } | { readonly mode: 'existing'; readonly arn: string };

export interface GatewayObservabilityProps {
  readonly function: IFunction;
  readonly logGroup: ILogGroup;
  /** The `stage` dimension. */
  readonly stage: string;
  /** The configured model ids, for the per-model widgets (plus `unknown`). */
  readonly models: readonly string[];
  readonly timeout: Duration;
  /** @default { mode: 'none' } */
  readonly alarmTopic?: AlarmTopicSetting;
}

export class GatewayObservability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Record<keyof typeof ALARM_THRESHOLDS, Alarm>;
  /** The topic the alarms notify, when the settings name one. */
  readonly alarmTopic: ITopic | undefined;
  /** The topic this construct created (`alarmTopic: create`). */
  readonly createdTopic: Topic | undefined;

  constructor(scope: Construct, id: string, props: GatewayObservabilityProps) {
    super(scope, id);
    const metrics = new GatewayMetrics(props.stage);
    new MetricFilter(this, 'ConfigReadFailureFilter', {
      logGroup: props.logGroup,
      metricNamespace: METRICS_NAMESPACE,
      metricName: CONFIG_READ_FAILURES,
      filterPattern: FilterPattern.any(...CONFIG_FAILURE_MESSAGES.map((message) => FilterPattern.stringValue('$.message', '=', message))),
      metricValue: '1',
      dimensions: { stage: '$.stage' },
    });
    this.alarms = createAlarms(this, props, metrics);
    const topic = alarmTopicFor(this, props.alarmTopic ?? { mode: 'none' });
    this.alarmTopic = topic.topic;
    this.createdTopic = topic.created;
    if (topic.topic) for (const alarm of Object.values(this.alarms)) alarm.addAlarmAction(new SnsAction(topic.topic));
    this.dashboard = createDashboard(this, props, metrics, Object.values(this.alarms));
  }
}

/** The gateway's EMF metrics as CDK metrics: stage-wide (`service`, `stage`) or per model. */
export class GatewayMetrics {
  constructor(readonly stage: string) {}

  stageWide(name: string, statistic: string, extra: Record<string, string> = {}): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: SERVICE_NAME, stage: this.stage, ...extra },
      statistic,
      period: Duration.minutes(5),
    });
  }

  perModel(name: string, model: string, statistic = 'Sum'): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: SERVICE_NAME, stage: this.stage, model },
      statistic,
      period: Duration.minutes(5),
      label: model,
    });
  }

  errors(errorType: string): Metric {
    return this.stageWide(METRIC.errors, 'Sum', { errorType }).with({ label: errorType });
  }

  configReadFailures(): Metric {
    return new Metric({ namespace: METRICS_NAMESPACE, metricName: CONFIG_READ_FAILURES, dimensionsMap: { stage: this.stage }, statistic: 'Sum', period: Duration.minutes(5) });
  }
}

/** `100 * part / Requests`, with missing series as 0 (no errors reported is no errors). */
function ratePercent(metrics: GatewayMetrics, parts: Record<string, IMetric>, label: string): MathExpression {
  const sum = Object.keys(parts).map((key) => `FILL(${key}, 0)`).join(' + ');
  return new MathExpression({
    expression: `100 * (${sum}) / requests`,
    usingMetrics: { ...parts, requests: metrics.stageWide(METRIC.requests, 'Sum') },
    label,
    period: Duration.minutes(5),
  });
}

function createAlarms(scope: Construct, props: GatewayObservabilityProps, metrics: GatewayMetrics): GatewayObservability['alarms'] {
  const fn = props.function;
  const fiveMinutes = { period: Duration.minutes(5) };
  const serverErrors = Object.fromEntries(SERVER_ERROR_TYPES.map((type, index) => [`e${index}`, metrics.errors(type)]));
  const alarm = (id: string, description: string, metric: IMetric, threshold: number, periods = 1): Alarm =>
    new Alarm(scope, id, {
      alarmDescription: `mantle-gateway (${props.stage}): ${description}`,
      metric,
      threshold,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  return {
    serverErrorRatePercent: alarm('ServerErrorRate', 'share of requests failing server-side (gateway or Mantle 5xx, broken streams) in %', ratePercent(metrics, serverErrors, '5xx rate %'), ALARM_THRESHOLDS.serverErrorRatePercent, 3),
    throttleRatePercent: alarm('UpstreamThrottleRate', 'share of requests Mantle throttled (429) in %', ratePercent(metrics, { t: metrics.stageWide(METRIC.throttles, 'Sum') }, 'throttle rate %'), ALARM_THRESHOLDS.throttleRatePercent, 3),
    lambdaErrors: alarm('LambdaErrors', 'the function failed invocations', fn.metricErrors({ ...fiveMinutes, statistic: 'Sum' }), ALARM_THRESHOLDS.lambdaErrors),
    lambdaThrottles: alarm('LambdaThrottles', 'Lambda throttled invocations (concurrency exhausted)', fn.metricThrottles({ ...fiveMinutes, statistic: 'Sum' }), ALARM_THRESHOLDS.lambdaThrottles),
    durationShareOfTimeout: alarm('DurationNearTimeout', `an invocation ran for 90% of the ${props.timeout.toSeconds()} s timeout`, fn.metricDuration({ ...fiveMinutes, statistic: 'Maximum' }), Math.round(props.timeout.toMilliseconds() * ALARM_THRESHOLDS.durationShareOfTimeout)),
    configReadFailures: alarm(
      'ConfigReadFailures',
      'reading the route configuration from SSM failed, or requests found no configuration (503)',
      new MathExpression({
        expression: 'FILL(reads, 0) + FILL(unavailable, 0)',
        usingMetrics: { reads: metrics.configReadFailures(), unavailable: metrics.errors('config_unavailable') },
        label: 'config failures',
        period: Duration.minutes(5),
      }),
      ALARM_THRESHOLDS.configReadFailures,
    ),
  };
}

function alarmTopicFor(scope: Construct, setting: AlarmTopicSetting): { topic?: ITopic; created?: Topic } {
  if (setting.mode === 'none') return {};
  if (setting.mode === 'existing') return { topic: Topic.fromTopicArn(scope, 'AlarmTopic', setting.arn) };
  const created = new Topic(scope, 'AlarmTopic', { displayName: 'mantle-gateway alarms', enforceSSL: true });
  return { topic: created, created };
}

function createDashboard(scope: Construct, props: GatewayObservabilityProps, metrics: GatewayMetrics, alarms: Alarm[]): Dashboard {
  const fn = props.function;
  const models = [...props.models, 'unknown'];
  const width = 12;
  const graph = (title: string, left: IMetric[], extra: Partial<ConstructorParameters<typeof GraphWidget>[0]> = {}): GraphWidget =>
    new GraphWidget({ title, left, width, height: 6, ...extra });
  const percentiles = (name: string): IMetric[] => [
    metrics.stageWide(name, 'p50').with({ label: 'p50' }),
    metrics.stageWide(name, 'p99').with({ label: 'p99' }),
  ];
  const dashboard = new Dashboard(scope, 'Dashboard', { dashboardName: `MantleGateway-${props.stage}-${Stack.of(scope).region}` });
  dashboard.addWidgets(
    graph('Requests by model', models.map((model) => metrics.perModel(METRIC.requests, model))),
    graph('Errors by type', ERROR_TYPES.map((type) => metrics.errors(type)), { stacked: true }),
  );
  dashboard.addWidgets(graph('Latency p50 / p99 (ms)', percentiles(METRIC.latency)), graph('Time to first byte p50 / p99 (ms)', percentiles(METRIC.timeToFirstByte)));
  dashboard.addWidgets(
    graph('Input tokens by model', models.map((model) => metrics.perModel(METRIC.inputTokens, model)), { stacked: true }),
    graph('Output tokens by model', models.map((model) => metrics.perModel(METRIC.outputTokens, model)), { stacked: true }),
  );
  dashboard.addWidgets(
    graph('Fallbacks, retries and upstream throttles', [
      metrics.stageWide(METRIC.fallbacks, 'Sum').with({ label: 'fallbacks' }),
      metrics.stageWide(METRIC.retries, 'Sum').with({ label: 'retries' }),
      metrics.stageWide(METRIC.throttles, 'Sum').with({ label: 'upstream 429' }),
    ]),
    graph('Lambda concurrency and throttles', [fn.metric('ConcurrentExecutions', { statistic: 'Maximum', label: 'concurrent executions' })], {
      right: [fn.metricThrottles({ statistic: 'Sum', label: 'throttles' })],
    }),
  );
  dashboard.addWidgets(
    graph('Duration against the timeout (ms)', [fn.metricDuration({ statistic: 'p99', label: 'p99' }), fn.metricDuration({ statistic: 'Maximum', label: 'max' })], {
      leftAnnotations: [{ value: props.timeout.toMilliseconds(), label: 'timeout' }],
    }),
    new AlarmStatusWidget({ title: 'Alarms', alarms, width, height: 6 }),
  );
  return dashboard;
}

