/** The stack's HTTP API played from its routes, integrations, CORS and the Lambda permissions that let it invoke. */
import { startHttpApi, type CorsConfiguration, type HttpApi, type Route } from '../api-gateway';
import type { LambdaFunction } from '../lambda/lambda-function';
import type { TemplateValues } from '../template';

export async function startApi(values: TemplateValues, lambdas: Map<string, LambdaFunction>, accountId: string, region: string): Promise<HttpApi> {
  const apiIds = values.ofType('AWS::ApiGatewayV2::Api');
  if (apiIds.length !== 1) throw new Error(`expected one HTTP API, found ${apiIds.length}`);
  const apiId = values.get(apiIds[0]).ref;
  const routes: Route[] = values.ofType('AWS::ApiGatewayV2::Route').map((id) => {
    const props = values.properties(id);
    const routeKey = String(props.RouteKey);
    const [method, path] = routeKey.split(' ');
    const integrationId = values.string(props.Target).replace(/^integrations\//, '');
    const integration = values.ofType('AWS::ApiGatewayV2::Integration').find((i) => values.get(i).ref === integrationId)!;
    const integrationProps = values.properties(integration);
    if (integrationProps.IntegrationType !== 'AWS_PROXY' || integrationProps.PayloadFormatVersion !== '2.0') {
      throw new Error(`route ${routeKey}: the rehearsal plays Lambda proxy integrations with payload 2.0 only`);
    }
    const fnId = values.logicalIdOf('AWS::Lambda::Function', values.string(integrationProps.IntegrationUri));
    assertInvokePermission(values, fnId, `arn:aws:execute-api:${region}:${accountId}:${apiId}/$default/${method}${path}`, routeKey);
    return { method, path, routeKey, integration: lambdas.get(fnId)! };
  });
  const cors = values.resolve(values.properties(apiIds[0]).CorsConfiguration) as CorsConfiguration | undefined;
  return startHttpApi(routes, cors, accountId);
}

/** API Gateway may invoke a Lambda only where an AWS::Lambda::Permission lets it, for that route's source ARN. */
function assertInvokePermission(values: TemplateValues, fnId: string, sourceArn: string, routeKey: string): void {
  const fnArn = values.get(fnId).attributes.Arn;
  const allowed = values.ofType('AWS::Lambda::Permission').some((id) => {
    const props = values.resolve(values.properties(id)) as { Action?: string; Principal?: string; FunctionName?: string; SourceArn?: string };
    if (props.Action !== 'lambda:InvokeFunction' || props.Principal !== 'apigateway.amazonaws.com') return false;
    if (props.FunctionName !== fnArn && props.FunctionName !== values.get(fnId).ref) return false;
    if (props.SourceArn === undefined) return true;
    const pattern = new RegExp(`^${props.SourceArn.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return pattern.test(sourceArn);
  });
  if (!allowed) throw new Error(`route ${routeKey}: no AWS::Lambda::Permission lets API Gateway invoke ${fnId} (${sourceArn})`);
}

/** Outputs whose value is the API's URL point at the played API instead. */
export function apiUrlOutputs(values: TemplateValues, url: string): Record<string, string> {
  const outputs = values.outputs();
  return Object.fromEntries(Object.entries(outputs).filter(([, v]) => /execute-api/.test(v)).map(([k]) => [k, url]));
}
