import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@app/kernel';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { draftStream, type DraftPublished } from '@app/reporting';
import type { PublicationFacts } from '../domain/metrics.decider';

/** A draft or a publication that does not exist: 404 `not-found`, naming the field of the request that named it. */
export class PublicationNotFound extends DomainError {
  constructor(what: 'Draft' | 'Publication', id: string, field: 'draftId' | 'publicationId') {
    super('not_found', 'not-found', `${what} ${id} does not exist${what === 'Publication' ? ' on this draft' : ''}`, { resource: what, id, field });
  }
}

/**
 * What a metrics decision needs to know about a publication, read from the draft's own stream (the write side
 * never reads a read model for a decision): its DraftPublished, and whether a DraftRetracted followed.
 */
@Injectable()
export class PublicationFactsReader {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** One read per draft, however many of its publications the caller asks about. */
  forDraft(draftId: string): Promise<(publicationId: string) => PublicationFacts> {
    return this.store.readStream(draftStream(draftId)).then((events) => {
      if (events.length === 0) throw new PublicationNotFound('Draft', draftId, 'draftId');
      const retracted = events.some((e) => e.type === 'DraftRetracted');
      const published = new Map<string, DraftPublished['data']>();
      for (const e of events) if (e.type === 'DraftPublished') published.set((e.data as DraftPublished['data']).publicationId, e.data as DraftPublished['data']);
      return (publicationId: string) => {
        const p = published.get(publicationId);
        if (!p) throw new PublicationNotFound('Publication', publicationId, 'publicationId');
        return { publicationId, draftId, channelId: p.channelId, platform: p.platform, publishedAt: p.publishedAt, retracted };
      };
    });
  }
}
