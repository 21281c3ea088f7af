import { NodeSDK } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
new NodeSDK({ metricReaders: [], logRecordProcessors: [], instrumentations: [new HttpInstrumentation()] }).start();
