import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditOutcome, AuditService } from '@causeway/audit';
import { badInputs, CausewayConfig, CausewayError, ErrorCode, forbidden, RateLimitStore, Role, unauthenticated, type Principal, type RequestContext } from '@causeway/core';
import { ChangeFeed, FeedCache } from '@causeway/database';
import { createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { Subscription } from 'rxjs';
import { Repository } from 'typeorm';
import { dummyPasswordHash, hashApiKey, hashPassword, parseApiKey, sameHash, verifyPassword } from './credentials.js';
import type { ChangePasswordInput, DepartmentDto, LoginInput, LoginResultDto } from './dto.js';
import { DepartmentsService } from './departments.service.js';
import { SystemClientEntity, UserEntity } from './entities.js';
import { RateLimitMetrics } from './rate-limit-metrics.js';
import { UsersService } from './users.service.js';

const LAST_USED_EVERY_MS = 60_000;
const TOKEN_HOURS = 8;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface TokenClaims {
  sub: string;
  kind: 'USER';
  /** The person's session version when the token was issued (absent on tokens issued before versions existed: 0). */
  ver?: number;
}

interface CachedPrincipal {
  principal: Principal;
  allowed: BlockList | null;
  expiresAt: Date | null;
}

/**
 * A verified credential's principal is cached until a change notice (from any process) about
 * departments, users or clients says it may have changed: a revoked key, a disabled account or a
 * new department is seen by every gateway at once (see ChangeFeed).
 */
@Injectable()
export class AuthService implements OnModuleDestroy {
  private readonly logger = new Logger(AuthService.name);
  private readonly cache: FeedCache<CachedPrincipal>;
  private readonly subscription: Subscription;
  private readonly lastUsedWritten = new Map<string, number>();
  /** Principals of people whose password is a temporary one: they may only change it (see AuthGuard). */
  private readonly passwordChangeRequired = new WeakSet<Principal>();

  constructor(
    private readonly jwt: JwtService,
    private readonly departments: DepartmentsService,
    private readonly users: UsersService,
    @InjectRepository(UserEntity) private readonly userRows: Repository<UserEntity>,
    @InjectRepository(SystemClientEntity) private readonly clientRows: Repository<SystemClientEntity>,
    private readonly audit: AuditService,
    private readonly config: CausewayConfig,
    private readonly limits: RateLimitStore,
    private readonly metrics: RateLimitMetrics,
    private readonly feed: ChangeFeed,
  ) {
    this.cache = new FeedCache(feed);
    // Revocations are rare: any change to who someone is drops every cached principal.
    this.subscription = feed.on('departments', 'users', 'clients').subscribe(() => this.cache.clear());
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }

  /**
   * Resolves the Authorization header to a principal; null when no credential was sent.
   * A credential that was sent but is wrong is refused, never downgraded to anonymous.
   */
  async authenticate(authorization: string | undefined, clientIp: string | null): Promise<Principal | null> {
    if (authorization === undefined || authorization.trim() === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw unauthenticated('Send credentials as `Authorization: Bearer <api key or login token>`');
    const credential = match[1]!;
    if (parseApiKey(credential)) return this.authenticateKey(credential, clientIp);
    return this.authenticateToken(credential);
  }

  async login(ctx: RequestContext, input: LoginInput): Promise<LoginResultDto> {
    // The attempted account is on the record either way (repeated failures are what auditors look for).
    const target = `user:${input.email.slice(0, 200)}`;
    const counters = this.loginCounters(input.email, ctx.clientIp);
    // Every attempt is counted before its password is checked (so parallel guesses cannot all slip
    // in under the limit); a successful one is taken back.
    const locked = await this.countLoginAttempt(counters);
    if (locked) {
      this.metrics.refused.inc({ limit: 'login' });
      await this.audit.record(ctx, { action: 'auth.login', outcome: AuditOutcome.DENIED, target, reason: `RATE_LIMITED: ${locked.message}` });
      throw locked;
    }
    const user = await this.userRows.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email: input.email }).getOne();
    // Same answer and the same scrypt work for an unknown e-mail and a wrong password, so accounts cannot be enumerated.
    const matches = await verifyPassword(input.password, user?.passwordHash ?? (await dummyPasswordHash()));
    const ok = user !== null && user.active && matches;
    if (!user || !ok) {
      await this.audit.record(ctx, { action: 'auth.login', outcome: AuditOutcome.DENIED, target, reason: 'wrong e-mail or password, or account disabled' });
      throw unauthenticated('E-mail or password is wrong');
    }
    // A success clears the account's failures and is not held against its address.
    await this.limits.reset(counters[0]!.key);
    if (counters[1] && counters[1].max > 0) await this.limits.hit(counters[1].key, this.loginWindowMs, -1);
    const department = await this.departments.byId(user.departmentId);
    await this.audit.record(ctx, { action: 'auth.login', outcome: AuditOutcome.ALLOWED, target, providerDepartment: department?.code ?? null });
    user.lastLoginAt = new Date();
    await this.userRows.update(user.id, { lastLoginAt: user.lastLoginAt });
    return this.issueToken(user);
  }

  /** Whether this person's password is a temporary one, so that nothing but changing it is allowed. */
  mustChangePassword(principal: Principal): boolean {
    return this.passwordChangeRequired.has(principal);
  }

  /**
   * A person changes their own password: the current one is required (and a wrong one counts
   * against the account as a failed login does), the new one follows the rules of creation. Every
   * token issued before stops working, this one's too: the answer carries a new token.
   */
  async changePassword(ctx: RequestContext, input: ChangePasswordInput): Promise<LoginResultDto> {
    if (ctx.principal.kind !== 'USER') throw forbidden('Only people have passwords; a system client authenticates with its API key');
    const current = await this.userRows.findOne({ where: { id: ctx.principal.id } });
    if (!current || !current.active) throw unauthenticated('This account is disabled');
    const counters = this.loginCounters(current.email, ctx.clientIp);
    const locked = await this.countLoginAttempt(counters);
    if (locked) {
      this.metrics.refused.inc({ limit: 'login' });
      throw locked;
    }
    if (!(await verifyPassword(input.currentPassword, current.passwordHash))) throw badInputs([{ field: 'input.currentPassword', message: 'is not your current password' }]);
    await this.limits.reset(counters[0]!.key);
    if (counters[1] && counters[1].max > 0) await this.limits.hit(counters[1].key, this.loginWindowMs, -1);
    if (await verifyPassword(input.newPassword, current.passwordHash)) throw badInputs([{ field: 'input.newPassword', message: 'must differ from your current password' }]);
    const passwordHash = await hashPassword(input.newPassword);
    const saved = await this.userRows.manager.transaction(async (tx) => {
      const row = (await tx.getRepository(UserEntity).findOne({ where: { id: current.id }, lock: { mode: 'pessimistic_write' } }))!;
      const changed = { passwordHash, mustChangePassword: false, passwordChangedAt: new Date(), sessionVersion: row.sessionVersion + 1 };
      await tx.getRepository(UserEntity).update(row.id, changed);
      await this.feed.notify(tx, 'users', row.id);
      await this.audit.record(ctx, {
        action: 'user.password.change',
        outcome: AuditOutcome.ALLOWED,
        providerDepartment: ctx.principal.departmentCode,
        target: `user:${row.email}`,
        detail: { userId: row.id, temporaryReplaced: row.mustChangePassword },
      });
      return { ...row, ...changed };
    });
    return this.issueToken(saved);
  }

  private async issueToken(user: UserEntity): Promise<LoginResultDto> {
    const expiresAt = new Date(Date.now() + TOKEN_HOURS * 3600_000);
    const claims: TokenClaims = { sub: user.id, kind: 'USER', ver: user.sessionVersion };
    const token = await this.jwt.signAsync(claims, { expiresIn: `${TOKEN_HOURS}h` });
    return { token, expiresAt, user: await this.users.toDto(user), mustChangePassword: user.mustChangePassword };
  }

  /** The failed-login counters a login attempt is held to: its account's (first) and its address's. */
  private loginCounters(email: string, clientIp: string | null): { key: string; max: number; what: string }[] {
    // The e-mail is hashed so that a shared store (Redis) holds no addresses of people.
    const account = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
    const counters = [{ key: `login:account:${account}`, max: this.config.LOGIN_MAX_FAILURES, what: 'this account' }];
    if (clientIp) counters.push({ key: `login:ip:${clientIp}`, max: this.config.LOGIN_MAX_FAILURES_PER_IP, what: 'your address' });
    return counters;
  }

  private get loginWindowMs(): number {
    return this.config.LOGIN_LOCKOUT_SECONDS * 1000;
  }

  /** Counts the attempt; RATE_LIMITED, saying when to retry, when the account or the address is past its failures. */
  private async countLoginAttempt(counters: { key: string; max: number; what: string }[]): Promise<CausewayError | null> {
    const counts = await Promise.all(counters.map((counter) => (counter.max > 0 ? this.limits.hit(counter.key, this.loginWindowMs) : null)));
    for (const [index, counter] of counters.entries()) {
      const counted = counts[index];
      if (!counted || counted.count <= counter.max) continue;
      const seconds = Math.max(1, Math.ceil(counted.resetInMs / 1000));
      const at = new Date(Date.now() + seconds * 1000).toISOString().slice(0, 19);
      return new CausewayError(
        ErrorCode.RATE_LIMITED,
        `Too many failed logins for ${counter.what}: logging in is refused for ${seconds} more seconds (until ${at}Z), even with the right password`,
        { retryAfterSeconds: seconds },
      );
    }
    return null;
  }

  private async authenticateKey(key: string, clientIp: string | null): Promise<Principal> {
    const hash = hashApiKey(key);
    const cached = await this.cache.get(hash, () => this.loadClient(key, hash));
    if (cached.expiresAt && cached.expiresAt.getTime() <= Date.now()) {
      throw unauthenticated('This API key has expired; ask your platform administrator for a new one');
    }
    if (cached.allowed) {
      const family = clientIp ? isIP(clientIp) : 0;
      const ip = clientIp?.startsWith('::ffff:') ? clientIp.slice(7) : clientIp;
      const allowed = ip && family ? cached.allowed.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4') : false;
      if (!allowed) throw unauthenticated('This API key may not be used from your network address');
    }
    this.touch(cached.principal.id);
    return cached.principal;
  }

  private async loadClient(key: string, hash: string): Promise<CachedPrincipal> {
    const prefix = parseApiKey(key)!.prefix;
    const client = await this.clientRows.findOne({ where: { keyPrefix: prefix } });
    if (!client || !sameHash(client.keyHash, hash)) throw unauthenticated('This API key is not valid');
    if (client.revokedAt) throw unauthenticated('This API key has been revoked; ask your platform administrator for a new one');
    const department = await this.departmentOf(client.departmentId, `client ${client.id}`);
    let allowed: BlockList | null = null;
    if (client.allowedCidrs.length > 0) {
      allowed = new BlockList();
      for (const cidr of client.allowedCidrs) {
        const [network, bits] = cidr.split('/');
        allowed.addSubnet(network!, Number(bits), isIP(network!) === 6 ? 'ipv6' : 'ipv4');
      }
    }
    return {
      principal: this.principalOf('CLIENT', client.id, `client:${department.code}/${client.name}`, department, client.roles),
      allowed,
      expiresAt: client.expiresAt,
    };
  }

  private async authenticateToken(token: string): Promise<Principal> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw unauthenticated('The login token is not valid or has expired; log in again with the login mutation');
    }
    // A token signed with our key but not by login (a leaked or misused key): refused, never looked up.
    if (claims.kind !== 'USER' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) {
      throw unauthenticated('The login token is not valid or has expired; log in again with the login mutation');
    }
    const cached = await this.cache.get(token, async () => {
      const user = await this.userRows.findOne({ where: { id: claims.sub } });
      if (!user || !user.active) throw unauthenticated('This account is disabled');
      if ((claims.ver ?? 0) !== user.sessionVersion) {
        throw unauthenticated('This login token was ended by a change of password or of the account; log in again with the login mutation');
      }
      const department = await this.departmentOf(user.departmentId, `user ${user.id}`);
      const principal = this.principalOf('USER', user.id, `user:${user.email}`, department, user.roles);
      if (user.mustChangePassword) this.passwordChangeRequired.add(principal);
      return { principal, allowed: null, expiresAt: null };
    });
    return cached.principal;
  }

  /**
   * Every person and client belongs to a department (a foreign key): one that cannot be resolved
   * is a fault on our side, refused and logged, never a principal without a department.
   */
  private async departmentOf(id: string, whose: string): Promise<DepartmentDto> {
    const department = await this.departments.byId(id);
    if (department) return department;
    this.logger.error(`the department ${id} of ${whose} cannot be resolved; the credential is refused`);
    throw new CausewayError(ErrorCode.INTERNAL_SERVER_ERROR, 'Your department could not be resolved; try again in a moment or ask your platform administrator');
  }

  private principalOf(kind: 'USER' | 'CLIENT', id: string, label: string, department: DepartmentDto, roles: string[]): Principal {
    return Object.freeze({
      kind,
      id,
      label,
      departmentId: department.id,
      departmentCode: department.code,
      divisionCode: department.divisionCode,
      roles: Object.freeze(roles.filter((role): role is Role => Object.values(Role).includes(role as Role))),
    });
  }

  private touch(clientId: string): void {
    const last = this.lastUsedWritten.get(clientId) ?? 0;
    if (Date.now() - last < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(clientId, Date.now());
    this.clientRows.update(clientId, { lastUsedAt: new Date() }).catch((error: Error) => this.logger.warn(`last_used_at: ${error.message}`));
  }
}
