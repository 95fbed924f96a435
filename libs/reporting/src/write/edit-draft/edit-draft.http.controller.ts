import { Body, Controller, Param, Put, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { CommandContext } from '@app/kernel';
import { Access, Actor, CurrentActor } from '@app/access';
import { CommandCtx, CommandEndpoint, UuidParamPipe } from '@app/platform';
import { DraftCommands } from '../draft-commands';
import { DraftCommandResponse, DraftContentRequest, draftResponse, toContent } from '../draft-content.request';
import { EDITABLE_DRAFT_PROBLEMS } from '../reporting-command.responses';

@ApiTags('reporting')
@Controller('v1/drafts')
export class EditDraftHttpController {
  constructor(private readonly drafts: DraftCommands) {}

  @Put(':draftId')
  @Access('drafts.write')
  @CommandEndpoint({ summary: 'Edit a draft (before submission, or after it was returned for revision)', response: DraftCommandResponse, problems: [...EDITABLE_DRAFT_PROBLEMS, 'draft-content-invalid'] })
  async edit(
    @Param('draftId', new UuidParamPipe()) draftId: string,
    @Body() body: DraftContentRequest,
    @CurrentActor() actor: Actor,
    @CommandCtx() context: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DraftCommandResponse> {
    const result = await this.drafts.run(draftId, context, actor, 'drafts.write', (_, acting) => ({
      type: 'EditDraft',
      content: toContent(body),
      actor: acting,
      now: this.drafts.now(),
    }));
    return draftResponse(draftId, result, res);
  }
}
