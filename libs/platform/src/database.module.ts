import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';

export const PG_POOL = Symbol('PG_POOL');
export const DATABASE_URL = Symbol('DATABASE_URL');

/** The one pg Pool of the process, closed last on shutdown. */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  static forRoot(databaseUrl: string, poolSize = 20): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_URL, useValue: databaseUrl },
        {
          provide: PG_POOL,
          useFactory: () => {
            const pool = new Pool({ connectionString: databaseUrl, max: poolSize });
            // An idle connection that breaks is replaced on next use; it must not crash the process.
            pool.on('error', () => undefined);
            return pool;
          },
        },
      ],
      exports: [PG_POOL, DATABASE_URL],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
