import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Secrets } from '@causeway/core';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { SystemClientsService } from './clients.service.js';
import { DepartmentsService } from './departments.service.js';
import { DepartmentEntity, SystemClientEntity, UserEntity } from './entities.js';
import { GraphqlRateLimiter } from './graphql-rate-limit.js';
import { IdentityResolver } from './identity.resolver.js';
import { RateLimitMetrics } from './rate-limit-metrics.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([DepartmentEntity, UserEntity, SystemClientEntity]),
    JwtModule.registerAsync({
      inject: [Secrets],
      useFactory: (secrets: Secrets) => ({ secret: secrets.keyString('jwt'), signOptions: { issuer: 'causeway' }, verifyOptions: { issuer: 'causeway' } }),
    }),
  ],
  providers: [AuthService, AuthGuard, DepartmentsService, UsersService, SystemClientsService, IdentityResolver, RateLimitMetrics, GraphqlRateLimiter],
  exports: [AuthService, AuthGuard, DepartmentsService, UsersService, SystemClientsService, RateLimitMetrics],
})
export class IdentityModule {}
