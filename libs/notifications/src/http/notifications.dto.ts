import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { COMMAND_POSITION_DESCRIPTION } from '@app/platform';

export class ListNotificationsQuery {
  @ApiPropertyOptional({ description: 'true: only the unread ones' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ description: 'The `next` of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a `next` value this list returned' })
  cursor?: string;
}

export class NotificationIncidentResponse {
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['major', 'general'] }) severity!: string;
}

export class NotificationResponse {
  @ApiProperty({ format: 'uuid' }) notificationId!: string;
  @ApiProperty({ enum: ['incident.reminder', 'incident.overdue'], description: 'incident.reminder: a report is due soon; incident.overdue: its due time passed with nothing filed' }) type!: string;
  @ApiProperty({ enum: ['reporter', 'duty_officer', 'unit_head'], description: 'Why you got it' }) reason!: string;
  @ApiProperty({ type: NotificationIncidentResponse }) incident!: NotificationIncidentResponse;
  @ApiProperty({ example: 'incident-written_report:reminder', description: 'The deadline kind' }) kind!: string;
  @ApiProperty({ format: 'uuid' }) deadlineId!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the report is (was) due' }) dueAt!: string | null;
  @ApiProperty({ description: 'The stable delivery key (the same as the webhook\'s X-Baosong-Delivery)' }) deliveryKey!: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) readAt!: string | null;
  @ApiProperty() read!: boolean;
}

export class NotificationPageResponse {
  @ApiProperty({ type: [NotificationResponse], description: 'Newest first' }) items!: NotificationResponse[];
  @ApiProperty({ description: 'Your unread notifications in all (whatever the filter and page)' }) unreadCount!: number;
  @ApiProperty({ type: String, nullable: true, description: 'The cursor of the next page; null on the last' }) next!: string | null;
}

export class MarkReadResponse {
  @ApiProperty({ format: 'uuid' }) notificationId!: string;
  @ApiProperty({ description: 'False when it was already read (nothing appended)' }) changed!: boolean;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty() duplicate!: boolean;
}

export class RegisterWebhookRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'Chosen by the client (else derived from the Idempotency-Key)' }) @IsOptional() @IsUUID() webhookId?: string;
  @ApiProperty({ example: 'https://hooks.example.org/baosong', description: 'An absolute http(s) URL' }) @IsString() @Length(8, 2000) url!: string;
  @ApiProperty({ description: 'The shared secret the signature is made with (16-200 characters); never returned' }) @IsString() @Length(16, 200) secret!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @Length(0, 500) description?: string | null;
}

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' }) webhookId!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ format: 'date-time' }) registeredAt!: string;
}

export class WebhookListResponse {
  @ApiProperty({ type: [WebhookResponse] }) items!: WebhookResponse[];
}

export class WebhookCommandResponse {
  @ApiProperty({ format: 'uuid' }) webhookId!: string;
  @ApiProperty({ example: '1042', description: COMMAND_POSITION_DESCRIPTION }) position!: string;
  @ApiProperty() duplicate!: boolean;
}
