import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { Clock, CLOCK, CommandContext } from '@app/kernel';
import { runDecider } from '@app/event-store';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, commandPosition, Endpoint, UuidParamPipe } from '@app/platform';
import { inboxDecider } from '../domain/notification.decider';
import { notificationsStream } from '../domain/notification.events';
import { NotificationQueries } from '../read/notifications.queries';
import { ListNotificationsQuery, MarkReadResponse, NotificationPageResponse } from './notifications.dto';

/** The caller's own in-app notifications (催报 reminders): the inbox and marking read. */
@ApiTags('notifications')
@Controller('v1/notifications')
export class NotificationsHttpController {
  constructor(
    private readonly queries: NotificationQueries,
    private readonly bus: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Access('notifications.mine')
  @Endpoint({ summary: 'My notifications, newest first (keyset pages), with my unread count; unread=true lists only the unread ones', response: NotificationPageResponse })
  list(@Query() q: ListNotificationsQuery, @CurrentActor() actor: Actor): Promise<NotificationPageResponse> {
    return this.queries.inbox(actor.memberId, { unread: q.unread, limit: q.limit ?? 50, cursor: q.cursor });
  }

  @Post(':notificationId/read')
  @HttpCode(200)
  @Access('notifications.acknowledge')
  @CommandEndpoint({ summary: 'Mark one of my notifications read (again: 200, nothing changes); another member\'s is 404', response: MarkReadResponse, problems: ['not-found'] })
  async markRead(@Param('notificationId', new UuidParamPipe()) notificationId: string, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext): Promise<MarkReadResponse> {
    const result = await runDecider(
      this.bus,
      notificationsStream(actor.memberId),
      inboxDecider,
      { type: 'MarkNotificationRead', memberId: actor.memberId, notificationId, readAt: this.clock.now().toISOString() },
      context,
    );
    return { notificationId, changed: result.events.length > 0 && !result.duplicate, position: commandPosition(result), duplicate: result.duplicate };
  }
}
