/**
 * values.schema.json against values files: the chart defaults, the production example and the
 * fixtures under fixtures/values/good must pass and render valid objects; each file under
 * fixtures/values/bad must fail with the message its first line announces ("# expect: <regex>").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { helmRenderBinary, renderChart, repoRoot, schemaProblems, signalChart } from '../../test-support/helm-render/index.ts';
import { modelProblems, unknownFieldProblems } from './support/kube-validation.ts';
import { minimalValues, objects, productionValues } from './support/renders.ts';

// On a fresh machine the first build installs Go from apt: longer than a test's timeout.
beforeAll(() => {
  helmRenderBinary();
}, 600_000);

const fixtures = `${repoRoot}tests/deploy/fixtures/values`;
const good = readdirSync(`${fixtures}/good`).map((f) => `${fixtures}/good/${f}`);
const relative = (file: string) => file.slice(repoRoot.length);
const bad = readdirSync(`${fixtures}/bad`).map((f) => [f, `${fixtures}/bad/${f}`] as const);

test('the schema is a valid draft-07 schema under Ajv strict mode', () => {
  const schema = JSON.parse(readFileSync(`${signalChart}/values.schema.json`, 'utf8')) as { $schema: string };
  expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  expect(() => new Ajv({ strict: true, allowUnionTypes: true }).compile(schema)).not.toThrow();
});

test('the chart defaults pass', () => {
  expect(schemaProblems()).toEqual([]);
});

/** A fixture that says it renders "on top of minimal.yaml" gets the required settings from there. */
const onMinimal = (file: string) => (readFileSync(file, 'utf8').includes('on top of minimal.yaml') ? [minimalValues, file] : [file]);

test.each([productionValues, ...good].map((file) => [relative(file), file]))('%s passes and renders valid objects', async (_name, file) => {
  expect(schemaProblems({ valuesFiles: onMinimal(file) })).toEqual([]);
  const rendered = objects(renderChart({ valuesFiles: onMinimal(file) }));
  expect(await modelProblems(rendered)).toEqual([]);
});

test('the good fixtures render no unknown field', () => {
  const rendered = good.flatMap((file) => objects(renderChart({ valuesFiles: onMinimal(file) })));
  expect(unknownFieldProblems(rendered)).toEqual([]);
});

test.each(bad)('bad/%s is refused with the announced message', (_name, file) => {
  const expected = /^# expect: (.+)$/m.exec(readFileSync(file, 'utf8'))?.[1];
  expect(expected).toBeDefined();
  const problems = schemaProblems({ valuesFiles: onMinimal(file) });
  expect(problems).toContainEqual(expect.stringMatching(new RegExp(expected!)));
  expect(() => renderChart({ valuesFiles: onMinimal(file) })).toThrow(/values don't meet the specifications of the schema/);
});

test('--set values are checked as strictly as files', () => {
  expect(schemaProblems({ set: ['signaling.longPoll.maxSeconds=121'] })).toEqual(['/signaling/longPoll/maxSeconds: must be <= 120']);
  expect(schemaProblems({ set: ['ingress.pathType=ImplementationSpecific'] })).toEqual([
    '/ingress/pathType: must be equal to one of the allowed values',
  ]);
});
