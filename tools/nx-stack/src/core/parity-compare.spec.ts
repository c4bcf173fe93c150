import type { Baseline, Catalog } from './parity-baseline';
import { compareParity, parityScore, snapshotBaseline, type LocalConfig } from './parity-compare';
import { renderParity, statusMark } from './parity-render';
import { palette } from './colour';

const catalog: Catalog = {
  parameters: {
    any: {
      members: { type: 'integer', severity: 'critical', description: 'size', fix: 'set replicas of {service} to {target}', drift: 'npx nx run {service}:up' },
      memory: { type: 'size', severity: 'warning', description: 'memory', fix: 'set memory to {target}' },
    },
    redis: {
      'maxmemory-policy': { type: 'string', severity: 'critical', description: 'eviction', fix: 'CONFIG SET {parameter} {target}', drift: 'CONFIG SET {parameter} {declared} on {stack}' },
      appendfsync: { type: 'string', severity: 'warning', description: 'fsync', fix: 'set {parameter} {target}' },
      version: { type: 'version', severity: 'critical', description: 'version', fix: 'build {target}' },
    },
    patroni: { synchronous_mode: { type: 'boolean', severity: 'critical', description: 'sync', fix: 'patronictl edit-config --set {parameter}={target}' } },
  },
};

const baseline: Baseline = {
  environment: 'staging',
  description: 'test',
  services: {
    redis: {
      kind: 'redis',
      parameters: {
        members: { value: 3, source: 'inventory' },
        memory: { value: '4g', source: 'VM size' },
        'maxmemory-policy': { value: 'allkeys-lru', source: 'runbook' },
        appendfsync: { value: 'everysec', source: 'default' },
        version: { value: '7.0', source: 'package' },
      },
    },
    patroni: { kind: 'patroni', parameters: { synchronous_mode: { value: true, source: 'ha.md' } } },
  },
};

const local = (overrides: Partial<Record<string, Record<string, unknown>>> = {}): LocalConfig => ({
  stack: 'paws360',
  services: [
    {
      name: 'redis',
      kind: 'redis',
      running: 3,
      problems: [],
      parameters: {
        members: { declared: 3, runtime: 3, live: 3 },
        memory: { declared: '256m', runtime: '256m' },
        'maxmemory-policy': { declared: 'allkeys-lru', live: 'allkeys-lru' },
        appendfsync: { declared: 'everysec', live: 'everysec' },
        version: { live: '7.0.15' },
        ...(overrides.redis as object),
      },
    },
    { name: 'patroni', kind: 'patroni', running: 3, problems: [], parameters: { synchronous_mode: { declared: true, live: 'on' }, ...(overrides.patroni as object) } },
  ],
});

const accepted = [{ parameter: '*.memory', reason: 'a laptop has less memory' }];

describe('compareParity', () => {
  it('in line: every parameter matches or is accepted, score 100, exit 0', () => {
    const report = compareParity(local(), baseline, 'staging', { catalog, accepted });
    expect(report.findings.map((f) => [f.service, f.parameter, f.status])).toEqual([
      ['patroni', 'synchronous_mode', 'match'],
      ['redis', 'appendfsync', 'match'],
      ['redis', 'maxmemory-policy', 'match'],
      ['redis', 'members', 'match'],
      ['redis', 'memory', 'accepted'],
      ['redis', 'version', 'match'],
    ]);
    expect(report.summary).toMatchObject({ critical: 0, warning: 0, info: 0, accepted: 1, matching: 5, compared: 6, score: 100, exitCode: 0 });
    expect(report.findings.find((f) => f.parameter === 'memory')!.reason).toBe('a laptop has less memory');
  });

  it('a value changed live (CONFIG SET) is drift, critical, with the fix back to the declared value; exit 2', () => {
    const report = compareParity(local({ redis: { 'maxmemory-policy': { declared: 'allkeys-lru', live: 'noeviction' } } }), baseline, 'staging', { catalog, accepted });
    const finding = report.findings.find((f) => f.parameter === 'maxmemory-policy')!;
    expect(finding).toMatchObject({ status: 'drift', severity: 'critical', local: 'noeviction', layer: 'live', target: 'allkeys-lru', fix: 'CONFIG SET maxmemory-policy allkeys-lru on paws360' });
    expect(report.summary).toMatchObject({ critical: 1, drift: 1, score: 70, exitCode: 2 });
  });

  it('a declared difference with the target is a difference with the fix template filled in', () => {
    const report = compareParity(local({ patroni: { synchronous_mode: { declared: false, live: 'off' } } }), baseline, 'staging', { catalog, accepted });
    expect(report.findings.find((f) => f.parameter === 'synchronous_mode')).toMatchObject({
      status: 'differs',
      severity: 'critical',
      local: false,
      target: true,
      fix: 'patronictl edit-config --set synchronous_mode=true',
    });
  });

  it('a version of another line, a warning, a service that does not run', () => {
    const config = local({ redis: { appendfsync: { declared: 'always', live: 'always' }, version: { live: '6.2.1' } } });
    config.services[1] = { ...config.services[1], running: 0, parameters: { synchronous_mode: {} } };
    const report = compareParity(config, baseline, 'staging', { catalog, accepted });
    expect(report.summary).toMatchObject({ critical: 1, warning: 1, unread: 1, score: 65, exitCode: 2 });
    expect(report.notRunning).toEqual(['patroni']);
    expect(report.findings.find((f) => f.service === 'patroni')).toMatchObject({ status: 'unread', reason: 'not running' });
  });

  it('the score: 100 − 30 per critical − 5 per warning − 1 per info (at most 5)', () => {
    expect(parityScore({ critical: 0, warning: 0, info: 0 })).toBe(100);
    expect(parityScore({ critical: 0, warning: 2, info: 9 })).toBe(85);
    expect(parityScore({ critical: 1, warning: 1, info: 1 })).toBe(64);
    expect(parityScore({ critical: 4, warning: 0, info: 0 })).toBe(0);
  });

  it('a snapshot of a stack diffed against that stack scores 100', () => {
    const config = local();
    const snapshot = snapshotBaseline(config, catalog, 'copy', 'snapshot of stack paws360');
    expect(snapshot.services.patroni.parameters.synchronous_mode).toEqual({ value: true, source: 'snapshot of stack paws360 (live layer)' });
    expect(snapshot.services.redis.parameters.version.value).toBe('7.0.15');
    expect(compareParity(config, snapshot, 'copy', { catalog }).summary).toMatchObject({ score: 100, critical: 0, warning: 0, accepted: 0 });
  });

  it('renders a table with status marks and one summary line', () => {
    const report = compareParity(local({ redis: { 'maxmemory-policy': { declared: 'allkeys-lru', live: 'noeviction' } } }), baseline, 'staging', { catalog, accepted });
    const text = renderParity(report, { durationMs: 42, palette: palette(false) });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^COMPONENT\s+PARAMETER\s+LOCAL\s+TARGET\s+STATUS\s+SEVERITY\s+FIX$/);
    expect(text).toMatch(/redis\s+maxmemory-policy\s+live noeviction ≠ declared allkeys-lru\s+allkeys-lru\s+✗ drift\s+critical\s+CONFIG SET/);
    expect(text).toMatch(/redis\s+memory\s+256m\s+4g\s+✓ accepted\s+warning\s+accepted: a laptop has less memory/);
    expect(lines.at(-1)).toBe('paws360 vs staging: 6 compared · 1 critical · 0 warnings · 0 info · 1 accepted · 1 drift — parity 70/100 (42 ms)');
    expect(statusMark(report.findings[0])).toBe('✓');
  });
});
