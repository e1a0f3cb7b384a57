import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { SETTINGS } from '../../../shared/core/settings.ts';
import { FINDING_EVENT, type FindingLevel } from '../../../shared/schema/finding-constants.ts';

export interface FindingAlertsProps {
  /** The lowest finding level the functions send (KAUDIT_ALERT_LEVEL). */
  level: FindingLevel;
  /** An e-mail address subscribed to the topic. */
  email?: string;
}

/**
 * Where findings go as they are stored: the functions send those at or above the alert level to
 * an EventBridge bus of their own (other rules can take them from there: a SIEM, a ticket), and a
 * rule forwards them to an SNS topic, encrypted with a key EventBridge may use.
 */
export class FindingAlerts extends Construct {
  readonly bus: events.EventBus;
  readonly topic: sns.Topic;
  private readonly level: FindingLevel;

  constructor(scope: Construct, id: string, props: FindingAlertsProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { description: 'kaudit findings, as the functions store them' });
    const key = new kms.Key(this, 'TopicKey', { description: 'kaudit alerts topic', enableKeyRotation: true });
    // EventBridge publishes to an encrypted topic only with a key whose policy lets it.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'kaudit findings', masterKey: key, enforceSSL: true });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    new events.Rule(this, 'ToTopic', {
      eventBus: this.bus,
      description: 'Every kaudit finding sent to the bus, to the alerts topic',
      eventPattern: { source: [FINDING_EVENT.source], detailType: [FINDING_EVENT.detailType] },
      targets: [new targets.SnsTopic(this.topic, { message: events.RuleTargetInput.fromEventPath('$.detail') })],
    });
    this.level = props.level;
  }

  /** The settings that make a function send its findings here. */
  get environment(): Record<string, string> {
    return { [SETTINGS.alertEventBus]: this.bus.eventBusName, [SETTINGS.alertLevel]: this.level };
  }

  grantSend(grantee: iam.IGrantable): void {
    this.bus.grantPutEventsTo(grantee);
  }
}
