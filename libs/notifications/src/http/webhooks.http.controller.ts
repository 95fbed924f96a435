import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { Clock, CLOCK, CommandContext, entityIdFor, fold, RuleViolation } from '@app/kernel';
import { CommandRunner, runDecider } from '@app/event-store';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, commandPosition, Endpoint, UuidParamPipe } from '@app/platform';
import { WebhookEvent, WEBHOOKS_STREAM } from '../domain/notification.events';
import { webhooksDecider } from '../domain/webhook.decider';
import { RegisterWebhookRequest, WebhookCommandResponse, WebhookListResponse } from './notifications.dto';

/** An absolute http(s) URL without credentials, or the reason it is not. */
export function webhookUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol} is not http or https`;
  if (url.username || url.password) return 'credentials in the URL: put the shared secret in `secret`';
  if (!url.hostname) return 'no host';
  return undefined;
}

/** Outbound webhooks for reminders (optional per deployment): registered and removed by an administrator. */
@ApiTags('notifications')
@Controller('v1/notification-webhooks')
export class WebhooksHttpController {
  constructor(
    private readonly bus: CommandBus,
    private readonly runner: CommandRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post()
  @HttpCode(201)
  @Access('notifications.webhooks')
  @CommandEndpoint({
    summary: 'Register an outbound webhook: every reminder and overdue notice is POSTed to it, signed (X-Baosong-Signature: sha256=HMAC of the body), retried with backoff, with a stable X-Baosong-Delivery key',
    response: WebhookCommandResponse,
    status: 201,
    problems: ['webhook-exists', 'webhook-url-invalid'],
  })
  async register(@Body() body: RegisterWebhookRequest, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext): Promise<WebhookCommandResponse> {
    const problem = webhookUrlProblem(body.url);
    if (problem) throw new RuleViolation('webhook-url-invalid', `url: ${problem}`, { field: 'url' });
    const webhookId = entityIdFor(body.webhookId, context, 'webhook');
    const result = await runDecider(
      this.bus,
      WEBHOOKS_STREAM,
      webhooksDecider,
      { type: 'RegisterWebhook', webhookId, url: new URL(body.url).toString(), secret: body.secret, description: body.description ?? null, by: actor.memberId, at: this.clock.now().toISOString() },
      context,
    );
    return { webhookId, position: commandPosition(result), duplicate: result.duplicate };
  }

  @Get()
  @Access('notifications.webhooks')
  @Endpoint({ summary: 'The registered webhooks (never their secrets)', response: WebhookListResponse })
  async list(): Promise<WebhookListResponse> {
    const state = fold(webhooksDecider, (await this.runner.store.readStream(WEBHOOKS_STREAM)) as unknown as WebhookEvent[]);
    return { items: [...state.active.entries()].map(([webhookId, w]) => ({ webhookId, url: w.url, description: w.description, registeredAt: w.registeredAt })) };
  }

  @Delete(':webhookId')
  @HttpCode(200)
  @Access('notifications.webhooks')
  @CommandEndpoint({ summary: 'Remove a webhook: nothing more is sent to it (deliveries still pending are dropped)', response: WebhookCommandResponse, problems: ['not-found'] })
  async remove(@Param('webhookId', new UuidParamPipe()) webhookId: string, @CurrentActor() actor: Actor, @CommandCtx() context: CommandContext): Promise<WebhookCommandResponse> {
    const result = await runDecider(this.bus, WEBHOOKS_STREAM, webhooksDecider, { type: 'RemoveWebhook', webhookId, by: actor.memberId, at: this.clock.now().toISOString() }, context);
    return { webhookId, position: commandPosition(result), duplicate: result.duplicate };
  }
}
