// Verifies the bearer token (jose, RS256) and puts the caller on res.locals.user.
import type { NextFunction, Request, Response } from 'express';
import type { AuthUser, TokenVerifier } from '../../src/policy/auth.ts';

export function authenticate(verifyToken: TokenVerifier) {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.user = await verifyToken(req.headers.authorization);
    next();
  };
}

export function currentUser(res: Response): AuthUser {
  return res.locals.user as AuthUser;
}
