import type { Route } from '../context'

export const ssoRoutes: Route[] = []
