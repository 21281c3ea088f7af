/**
 * The alerting rules: valid for Prometheus (promtool check rules), behaving as designed on
 * synthetic series (promtool test rules), and each one routed to a runbook section that exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { promtoolPath, PROMTOOL_INSTALL_TIMEOUT_MS, runPromtool } from '../../test-support/promtool/promtool.ts';
import { loadRules, RULE_TESTS_DIR, RULES_FILE, RUNBOOK_FILE, type Rule } from './support/artifacts.ts';
import { namesIn } from './support/promql.ts';

const rules = loadRules();
const alerts = rules.filter((rule): rule is Rule & { alert: string } => rule.alert !== undefined);
const ruleTestFiles = readdirSync(RULE_TESTS_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => join(RULE_TESTS_DIR, name));

beforeAll(() => {
  promtoolPath();
}, PROMTOOL_INSTALL_TIMEOUT_MS);

test('promtool check rules accepts the file', () => {
  const result = runPromtool(['check', 'rules', RULES_FILE]);
  expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
  expect(result.status).toBe(0);
});

test('promtool test rules: every unit test passes', () => {
  expect(ruleTestFiles.length).toBeGreaterThan(0);
  const result = runPromtool(['test', 'rules', ...ruleTestFiles]);
  expect(result.output).not.toContain('FAILED');
  expect(result.status).toBe(0);
});

describe('every alert', () => {
  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
  const anchors = new Set(
    readFileSync(RUNBOOK_FILE, 'utf8')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) =>
        line
          .replace(/^#+ /, '')
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 _-]/g, '')
          .replace(/ /g, '-'),
      ),
  );

  test.each(alerts.map((rule): [string, Rule] => [rule.alert, rule]))('%s has severity, a wait, a summary and a runbook section', (_name, rule) => {
    expect(['critical', 'warning']).toContain(rule.labels?.severity);
    expect(rule.for).toMatch(/^\d+[smh]$/);
    expect(rule.annotations?.summary).toBeTruthy();
    expect(rule.annotations?.description).toBeTruthy();
    const [path, anchor] = (rule.annotations?.runbook_url ?? '').split('#');
    expect(path).toBe('docs/runbook.md');
    expect(anchors).toContain(anchor);
  });

  interface RuleTestFile {
    tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
  }
  const cases = ruleTestFiles.flatMap((file) =>
    (parse(readFileSync(file, 'utf8')) as RuleTestFile).tests.flatMap((group) => group.alert_rule_test ?? []),
  );

  test.each(alerts.map((rule) => [rule.alert]))('%s has a unit test where it fires and one where it stays quiet', (name) => {
    const mine = cases.filter((testCase) => testCase.alertname === name);
    expect(mine.some((testCase) => (testCase.exp_alerts ?? []).length > 0)).toBe(true);
    expect(mine.some((testCase) => (testCase.exp_alerts ?? []).length === 0)).toBe(true);
  });
});

test('every recording rule an expression reads is defined here', () => {
  const recorded = new Set(rules.flatMap((rule) => (rule.record === undefined ? [] : [rule.record])));
  const read = rules.flatMap((rule) => [...namesIn(rule.expr).metrics]).filter((name) => name.includes(':'));
  expect(read.length).toBeGreaterThan(0);
  expect(read.filter((name) => !recorded.has(name))).toEqual([]);
});
