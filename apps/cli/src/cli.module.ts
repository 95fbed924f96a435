import { Module } from '@nestjs/common';
import { SeedCommand } from './seed.command';
import { TokenCommand } from './token.command';

@Module({ providers: [TokenCommand, SeedCommand] })
export class CliModule {}
