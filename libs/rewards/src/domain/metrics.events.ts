import type { DomainEvent } from '@app/kernel';

/** The counts a platform reports for a publication at one moment (the follower count only where it gives one). */
export interface MetricsCounts {
  readonly reads: number;
  readonly reposts: number;
  readonly interactions: number;
  readonly followers: number | null;
}

/**
 * One observation of a channel publication's engagement (issue 10 item 1), on the stream `metrics-<publicationId>`.
 * The key is (publicationId, observedAt, source): a second observation with the same key and other counts
 * corrects the first (`replaces` holds the counts it corrects; null for a new key). The publication's facts
 * (draft, channel, platform, published-at) travel with every event, so a projection needs no other stream.
 */
export type MetricsRecorded = DomainEvent<
  'MetricsRecorded',
  {
    publicationId: string;
    draftId: string;
    channelId: string;
    platform: string;
    publishedAt: string;
    observedAt: string;
    source: string;
    reads: number;
    reposts: number;
    interactions: number;
    followers: number | null;
    replaces: { reads: number; reposts: number; interactions: number; followers: number | null } | null;
    recordedBy: string;
    recordedAt: string;
  }
>;

export type MetricsEvent = MetricsRecorded;
