/** The pack's rules on reading Secrets: every namespace's at once, and another namespace's by a service account. */
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../shared/schema/canonical-event.ts';
import { resourceRequest } from './detection-builders.ts';
import { ARGOCD, CONTROLLER_MANAGER, HUMAN_USER, packRule, serviceAccountUser } from './pack-builders.ts';

type Case = [string, CanonicalEvent];

const KUBE_STATE_METRICS = serviceAccountUser('kube-system', 'kube-state-metrics');

describe('Secrets Listed Across All Namespaces', () => {
  const rule = packRule('secrets-listed-cluster-wide.yml');

  it.each<Case>([
    ['kubectl get secrets -A by a person', resourceRequest({ verb: 'list', resource: 'secrets', query: 'limit=500' })],
    ['kubectl get secrets -A -w by a person', resourceRequest({ verb: 'watch', resource: 'secrets', query: 'watch=true' })],
    ["a service account's token listing every Secret", resourceRequest({ verb: 'list', resource: 'secrets', user: serviceAccountUser('shop', 'web') })],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ["one namespace's Secrets listed", resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'shop' })],
    ['a list refused', resourceRequest({ verb: 'list', resource: 'secrets', code: 403 })],
    ['a kube-system controller listing them', resourceRequest({ verb: 'list', resource: 'secrets', user: KUBE_STATE_METRICS })],
    ['the controller manager listing them', resourceRequest({ verb: 'list', resource: 'secrets', user: CONTROLLER_MANAGER })],
    ["an operator's cluster-wide watch", resourceRequest({ verb: 'watch', resource: 'secrets', query: 'allowWatchBookmarks=true&watch=true', user: ARGOCD })],
    ['every ConfigMap listed', resourceRequest({ verb: 'list', resource: 'configmaps' })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});

describe('Service Account Reads Secrets Of Another Namespace', () => {
  const rule = packRule('secrets-read-across-namespaces.yml');
  const billing = serviceAccountUser('billing', 'invoice-worker');

  it.each<Case>([
    ['a billing service account getting a payments Secret', resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key', user: billing })],
    ["it listing the payments namespace's Secrets", resourceRequest({ verb: 'list', resource: 'secrets', namespace: 'payments', user: billing })],
  ])('fires on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(true);
  });

  it.each<Case>([
    ['it reading a Secret of its own namespace', resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'billing', name: 'db-credentials', user: billing })],
    ['a person reading a Secret anywhere', resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key', user: HUMAN_USER })],
    ['a kube-system controller reading a Secret', resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key', user: KUBE_STATE_METRICS })],
    ['a cross-namespace read refused', resourceRequest({ verb: 'get', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key', user: billing, code: 403 })],
    ['a cluster-wide list (the cluster-wide rule covers it)', resourceRequest({ verb: 'list', resource: 'secrets', user: billing })],
    ['a Secret of another namespace written, not read', resourceRequest({ verb: 'update', resource: 'secrets', namespace: 'payments', name: 'stripe-api-key', user: billing })],
  ])('does not fire on %s', (_, event) => {
    // Assess
    expect(rule.matches(event)).toBe(false);
  });
});
