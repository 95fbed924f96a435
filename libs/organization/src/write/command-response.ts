import type { Response } from 'express';
import type { CommandResult } from '@app/event-store';
import { commandPosition, etag } from '@app/platform';

/** Every organization command answers the id it acted on, the stream revision (also the ETag), the log position and duplicate. */
export function commandResponse<K extends string>(key: K, id: string, result: CommandResult, res: Response) {
  res.setHeader('ETag', etag(result.revision));
  return { [key]: id, revision: String(result.revision ?? -1), position: commandPosition(result), duplicate: result.duplicate, events: result.events.map((e) => e.type) } as {
    [P in K]: string;
  } & { revision: string; position: string; duplicate: boolean; events: string[] };
}
