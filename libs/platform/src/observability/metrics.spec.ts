import { Metrics } from './metrics';

const sample = (text: string, name: string, labels = ''): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
};

describe('Metrics', () => {
  describe('the command histogram', () => {
    it('counts commands by type and outcome, with their durations', async () => {
      const metrics = new Metrics({ defaultMetrics: false });
      metrics.commandFinished({ command: 'RegisterUnit', outcome: 'ok', seconds: 0.02 });
      metrics.commandFinished({ command: 'RegisterUnit', outcome: 'ok', seconds: 0.2 });
      metrics.commandFinished({ command: 'RegisterUnit', outcome: 'rejected', seconds: 0.001 });
      const text = await metrics.scrape();
      expect(sample(text, 'baosong_command_duration_seconds_count', 'command="RegisterUnit",outcome="ok"')).toBe(2);
      expect(sample(text, 'baosong_command_duration_seconds_sum', 'command="RegisterUnit",outcome="ok"')).toBeCloseTo(0.22);
      expect(sample(text, 'baosong_command_duration_seconds_bucket', 'le="0.025",command="RegisterUnit",outcome="ok"')).toBe(1);
      expect(sample(text, 'baosong_command_duration_seconds_count', 'command="RegisterUnit",outcome="rejected"')).toBe(1);
    });
  });

  describe('the append counter', () => {
    it('counts the events a store appends, not the duplicates it absorbs', async () => {
      const metrics = new Metrics({ defaultMetrics: false });
      let duplicate = false;
      const store = {
        appendToStream: async (_stream: string, _events: readonly unknown[]) => ({ duplicate }),
        appendMany: async (appends: readonly { events: readonly unknown[] }[]) => appends.map((_, i) => ({ duplicate: i === 1 })),
      };
      metrics.countAppends(store);
      await store.appendToStream('s-1', [1, 2]);
      duplicate = true;
      await store.appendToStream('s-1', [1, 2]);
      await store.appendMany([{ events: [1] }, { events: [1, 2, 3] }, { events: [1, 2] }]);
      expect(sample(await metrics.scrape(), 'baosong_events_appended_total')).toBe(2 + 1 + 2);
    });
  });

  describe('when a collector fails', () => {
    it('logs it, leaves its family without samples and keeps the others', async () => {
      const logged: unknown[] = [];
      const metrics = new Metrics({ defaultMetrics: false, log: (message, fields) => logged.push({ message, ...fields }) });
      metrics.addCollector('good', (gauge) => {
        const good = gauge('baosong_good', 'a gauge that works', ['k']);
        return async () => good.set({ k: 'a' }, 3);
      });
      let fail = false;
      metrics.addCollector('bad', (gauge) => {
        const bad = gauge('baosong_bad', 'a gauge whose query fails');
        return async () => {
          bad.set(1); // half set before the failure: must not show
          if (fail) throw new Error('relation "rm.deadlines" does not exist');
        };
      });
      expect(sample(await metrics.scrape(), 'baosong_bad')).toBe(1);
      fail = true;
      const text = await metrics.scrape();
      expect(sample(text, 'baosong_good', 'k="a"')).toBe(3);
      expect(sample(text, 'baosong_bad')).toBeUndefined();
      expect(text).not.toContain('baosong_bad');
      expect(sample(text, 'baosong_metrics_collector_failures_total', 'collector="bad"')).toBe(1);
      expect(logged).toEqual([expect.objectContaining({ collector: 'bad', error: expect.stringContaining('rm.deadlines') })]);
    });

    it('a collector that hangs fails after the timeout', async () => {
      const metrics = new Metrics({ defaultMetrics: false, collectorTimeoutMs: 20 });
      metrics.addCollector('slow', (gauge) => {
        gauge('baosong_slow', 'never answers');
        return () => new Promise<void>(() => undefined);
      });
      const text = await metrics.scrape();
      expect(sample(text, 'baosong_metrics_collector_failures_total', 'collector="slow"')).toBe(1);
    });
  });

  it('concurrent scrapes share one collection', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    let runs = 0;
    metrics.addCollector('counting', () => async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    await Promise.all([metrics.scrape(), metrics.scrape(), metrics.scrape()]);
    expect(runs).toBe(1);
  });

  it('each instance has its own registry (two apps in one process), with the Node process metrics', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.commandFinished({ command: 'X', outcome: 'ok', seconds: 0.1 });
    expect(sample(await b.scrape(), 'baosong_command_duration_seconds_count', 'command="X",outcome="ok"')).toBeUndefined();
    const text = await a.scrape();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_heap_size_used_bytes');
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
