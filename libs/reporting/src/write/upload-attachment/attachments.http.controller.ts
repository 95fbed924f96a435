import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { NotFound } from '@app/kernel';
import { Access } from '@app/access';
import { ATTACHMENT_STORAGE, AttachmentStorage, StoredFile, AttachmentTooLarge } from '../../attachments/attachment-storage';
import { Endpoint } from '@app/platform';
import { StoredFileResponse } from '../reporting-command.responses';

export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/**
 * Attachment bytes go to the storage adapter (local disk by default), streamed and hashed; the draft then refers
 * to them by name, type, size and SHA-256.
 */
@ApiTags('reporting')
@Controller('v1/attachments')
export class AttachmentsHttpController {
  constructor(@Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage) {}

  @Post()
  @HttpCode(201)
  @Access('attachments.upload')
  @Endpoint({ summary: `Upload attachment bytes (any content type, raw body, at most ${MAX_ATTACHMENT_BYTES} bytes)`, response: StoredFileResponse, status: 201, problems: ['payload-too-large'] })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  upload(@Req() req: Request): Promise<StoredFile> {
    // A declared length over the limit is refused before a byte is stored; without one (chunked), the storage
    // stops at the limit. Both answer 413 payload-too-large.
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_ATTACHMENT_BYTES) return Promise.reject(new AttachmentTooLarge(MAX_ATTACHMENT_BYTES));
    return this.storage.put(req, MAX_ATTACHMENT_BYTES);
  }

  @Get(':sha256')
  @Access('attachments.read')
  @Endpoint({ summary: 'Download attachment bytes by checksum', media: 'application/octet-stream', problems: ['not-found'], params: [{ name: 'sha256', schema: { type: 'string', pattern: '^[0-9a-f]{64}$' } }] })
  async download(@Param('sha256') sha256: string, @Res({ passthrough: true }) res: Response): Promise<StreamableFile> {
    if (!(await this.storage.exists(sha256))) throw new NotFound('Attachment', sha256);
    res.setHeader('Content-Type', 'application/octet-stream');
    return new StreamableFile(await this.storage.get(sha256));
  }
}
