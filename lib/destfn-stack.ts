/**
 * The destfn stack: ingest API → one queue + Lambda per folder under functions/ (each function in its own
 * nested stack, lib/function-stack.ts), a shared runtime layer, the delivery-record table, alarms and two access
 * policies. Environment-agnostic: no lookups, so `cdk synth` runs offline without credentials.
 */
import type { Construct } from 'constructs';
import { Annotations, CfnOutput, Stack, Token, type StackProps } from 'aws-cdk-lib';
import { assertDistinctIds, sourceSecretOutputName, STACK_OUTPUTS } from '../runtime/aws/contract';
import { assertKnownSources } from '../runtime/function';
import { readSourceNames } from '../runtime/ingest/sources';
import { AccessPolicies } from './access-policies';
import { AlarmTopic } from './alarm-topic';
import { DeliveryTable } from './delivery-table';
import { DeliveryDashboard } from './delivery-dashboard';
import type { DestinationFunction } from './destination-function';
import { committedSettings, loadProjectFunctions } from './function-discovery';
import { FunctionStack } from './function-stack';
import { IngestApi } from './ingest-api';
import { ingestRoutingFile } from './ingest-routing';
import { DEFAULT_HANDLER_ENTRIES, type HandlerEntries } from './lambda-assets';
import { assertNoLoopbackSettings } from './loopback-settings';
import { RuntimeLayer } from './runtime-layer';
import { createSourceSecrets } from './source-secrets';

export interface DestfnStackProps extends StackProps {
  /** Folder holding one sub-folder per destination function. */
  readonly functionsDir: string;
  /** Project root holding destfn.config.json (the ingest sources). */
  readonly projectDir: string;
  /** Handler sources to bundle; defaults to runtime/aws/*-handler.ts of this repository. */
  readonly handlerEntries?: HandlerEntries;
  /**
   * Deploy functions whose settings point at a loopback address (localhost, 127.0.0.0/8, [::1], 0.0.0.0),
   * which otherwise fails the synth: for rehearsals whose sink really is reachable that way.
   */
  readonly allowLoopbackSettings?: boolean;
}

export class DestfnStack extends Stack {
  readonly functionStacks: FunctionStack[];
  readonly functions: DestinationFunction[];
  readonly ingest: IngestApi;

  constructor(scope: Construct, id: string, props: DestfnStackProps) {
    super(scope, id, props);
    if (Token.isUnresolved(this.stackName)) throw new Error('the destfn stack needs a stack name known at synth (it names every function resource)');
    const { stackName } = this;
    // Read and validate all configuration before building anything: errors surface first and clearly.
    const { deployable, localOnly } = loadProjectFunctions(props.functionsDir);
    if (!props.allowLoopbackSettings) {
      for (const fn of deployable) assertNoLoopbackSettings(fn.definition, committedSettings(fn));
    }
    if (localOnly.length > 0) {
      Annotations.of(this).addInfo(
        `not deployed, local only ("deploy": false in function.json): ${localOnly.map((def) => def.name).join(', ')}`,
      );
    }
    const sourceNames = readSourceNames(props.projectDir);
    assertDistinctIds('sources', sourceNames);
    for (const fn of deployable) assertKnownSources(fn.definition, sourceNames);
    const entries = props.handlerEntries ?? DEFAULT_HANDLER_ENTRIES;

    const deliveries = new DeliveryTable(this, 'Deliveries');
    const alarms = new AlarmTopic(this, 'Alarms');
    const runtime = new RuntimeLayer(this, 'Runtime', entries);
    this.functionStacks = deployable.map((fn) => new FunctionStack(this, { fn, stackName, layer: runtime.layer, deliveries, alarms }));
    this.functions = this.functionStacks.map((stack) => stack.function);
    for (const fn of this.functions) new DeliveryDashboard(fn, 'Delivery', fn, alarms);
    const sources = createSourceSecrets(this, sourceNames);
    this.ingest = new IngestApi(this, 'Ingest', { entries, stackName, routing: ingestRoutingFile(stackName, deployable), sources, alarms });
    const policies = new AccessPolicies(this, 'Access', {
      stackName,
      sources,
      deliveries,
      ingest: this.ingest,
    });

    const outputs = new OutputWriter(this);
    outputs.add(STACK_OUTPUTS.apiUrl, this.ingest.url, 'Ingest base URL (point Segment SDKs and webhooks here)');
    outputs.add(STACK_OUTPUTS.tableName, deliveries.table.tableName, 'Delivery records and dedupe');
    outputs.add(STACK_OUTPUTS.alarmTopicArn, alarms.topic.topicArn, 'Subscribe to receive DLQ and error alarms');
    outputs.add(STACK_OUTPUTS.deployerPolicyArn, policies.deployers.managedPolicyArn, 'Attach to people who deploy and edit');
    outputs.add(STACK_OUTPUTS.operatorPolicyArn, policies.operators.managedPolicyArn, 'Attach to people who operate');
    for (const source of sources) outputs.add(sourceSecretOutputName(source.name), source.secret.secretArn);
  }
}

/** Stack outputs at the stack's top level so their logical ids are exactly the contract's names (runtime/aws/contract.ts). */
class OutputWriter {
  constructor(private readonly stack: Stack) {}

  add(id: string, value: string, description?: string): void {
    if (this.stack.node.tryFindChild(id)) {
      throw new Error(`the stack output "${id}" collides with another output or construct; rename the source`);
    }
    new CfnOutput(this.stack, id, { value, description });
  }
}
