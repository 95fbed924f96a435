import type { CommandContext } from '@app/kernel';

export class RegisterUnitCommand {
  constructor(
    readonly unitId: string,
    readonly name: string,
    readonly unitType: string,
    readonly parentId: string | null,
    readonly context: CommandContext,
  ) {}
}
