import { NodeSDK } from '@opentelemetry/sdk-node';
new NodeSDK({ metricReaders: [], logRecordProcessors: [], instrumentations: [] }).start();
