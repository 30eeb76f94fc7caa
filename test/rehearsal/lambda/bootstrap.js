// Plays the Lambda Node.js runtime's part inside one execution environment: loads the module named by
// _HANDLER from LAMBDA_TASK_ROOT as the runtime interface client does (CommonJS here: every destfn asset is
// CommonJS), then answers invocations from the parent over IPC, one at a time, as a Lambda sandbox does.
'use strict';
const path = require('node:path');

const handlerSpec = process.env._HANDLER;
const dot = handlerSpec.lastIndexOf('.');
const modulePath = path.resolve(process.env.LAMBDA_TASK_ROOT, handlerSpec.slice(0, dot));
const exportName = handlerSpec.slice(dot + 1);

function describe(err) {
  return { errorType: (err && err.name) || 'Error', errorMessage: (err && err.message) || String(err) };
}

let handler;
try {
  handler = require(modulePath)[exportName];
  if (typeof handler !== 'function') throw Object.assign(new Error(`${handlerSpec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
} catch (err) {
  process.send({ type: 'init-error', error: describe(err) });
  process.exit(1);
}
process.send({ type: 'ready' });

process.on('message', async (message) => {
  const { id, event, deadline, requestId } = message;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.functionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done() {}, fail() {}, succeed() {},
  };
  try {
    const result = await handler(event, context);
    process.send({ type: 'result', id, result: result === undefined ? null : result });
  } catch (err) {
    process.send({ type: 'error', id, error: describe(err) });
  }
});
