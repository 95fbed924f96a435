import type { CommandContext } from '@app/kernel';

export class RenameUnitCommand {
  constructor(
    readonly unitId: string,
    readonly name: string,
    readonly context: CommandContext,
  ) {}
}
