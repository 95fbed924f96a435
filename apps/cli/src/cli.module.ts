import { Module } from '@nestjs/common';
import { SeedCommand } from './seed.command';
import { TokenCommand } from './token.command';
import { GenerateCommand } from './generate.command';
import { AUDIT_COMMANDS } from './audit.commands';
import { PROJECTION_COMMANDS } from './projections.commands';
import { ChainBundleCommand, ChainCheckpointCommand, ChainCommand, ChainVerifyCommand } from './chain.commands';

@Module({ providers: [TokenCommand, SeedCommand, ChainCommand, ChainVerifyCommand, ChainCheckpointCommand, ChainBundleCommand, ...PROJECTION_COMMANDS, GenerateCommand, ...AUDIT_COMMANDS] })
export class CliModule {}
