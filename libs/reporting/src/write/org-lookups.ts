import { Injectable } from '@nestjs/common';
import { fold } from '@app/kernel';
import { CommandRunner } from '@app/event-store';
import { unitDecider, unitStream } from '@app/organization';
import { commissionDecider, commissionStream } from '../domain/commission.decider';

/**
 * What reporting decisions need from other streams, read from the event store (the write model), never from
 * read models: the unit (type, dissolved?), a channel, the publication ladder, a commission.
 */
@Injectable()
export class OrgLookups {
  constructor(private readonly runner: CommandRunner) {}

  async unit(unitId: string): Promise<{ unitId: string; unitType: string; active: boolean } | null> {
    const events = await this.runner.store.readStream(unitStream(unitId));
    if (events.length === 0) return null;
    const state = fold(unitDecider, events as never[]) as { status: string; unitType?: string };
    return { unitId, unitType: state.unitType ?? 'unknown', active: state.status === 'active' };
  }

  async channel(channelId: string): Promise<{ channelId: string; levelKey: string; platform: string; retired: boolean } | null> {
    const events = await this.runner.store.readStream(`channel-${channelId}`);
    let channel: { channelId: string; levelKey: string; platform: string; retired: boolean } | null = null;
    for (const e of events) {
      const data = e.data as { channelId?: string; levelKey?: string; platform?: string };
      if (e.type === 'ChannelRegistered') channel = { channelId, levelKey: data.levelKey ?? '', platform: data.platform ?? 'other', retired: false };
      if (e.type === 'ChannelLevelChanged' && channel && data.levelKey) channel = { ...channel, levelKey: data.levelKey };
      if (e.type === 'ChannelRetired' && channel) channel = { ...channel, retired: true };
    }
    return channel;
  }

  async levelExists(levelKey: string): Promise<boolean> {
    const events = await this.runner.store.readStream('orgconfig-default');
    let levels: { key: string }[] = [];
    for (const e of events) if (e.type === 'PublicationLevelsDefined') levels = (e.data as { levels: { key: string }[] }).levels;
    return levels.some((l) => l.key === levelKey);
  }

  async commission(commissionId: string) {
    const events = await this.runner.store.readStream(commissionStream(commissionId));
    return fold(commissionDecider, events as never[]);
  }
}
