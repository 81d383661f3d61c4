import type { Tenant } from '@reelay/contracts';
import { describe, expect, it } from 'vitest';
import { formatUsd, tenantFormPurpose, tenantsPage } from './tenants-page.ts';

const tenant = (over: Partial<Tenant> = {}, usage: Partial<Tenant['usage']> = {}): Tenant => ({
  name: 'acme',
  weight: 1,
  maxInFlight: null,
  budget: null,
  paused: false,
  ...over,
  usage: { queued: 0, inFlight: 0, reservedUsd: 0, spentUsd: 0, periodStart: 0, ...usage },
});
const opts = {
  basePath: '/ops',
  token: (action: string, name: string) => `tok<${action}:${name}>`,
  now: Date.UTC(2026, 10, 24, 4, 30),
};

describe('tenantsPage', () => {
  it('shows each tenant: queued, in flight, spend against budget, weight, cap, paused', () => {
    const page = tenantsPage(
      [
        tenant(
          { name: 'acme', weight: 3, maxInFlight: 10, budget: { limitUsd: 500, period: 'month' } },
          { queued: 4, inFlight: 2, spentUsd: 125, reservedUsd: 1.5 },
        ),
        tenant({ name: 'beta', paused: true }, { spentUsd: 0.0015 }),
      ],
      opts,
    );
    const acme = page.slice(
      page.indexOf('id="tenant-acme"'),
      page.indexOf('</tr>', page.indexOf('id="tenant-acme"')),
    );
    expect(acme).toContain('<td class="num" data-field="queued">4</td>');
    expect(acme).toContain('<td class="num" data-field="in-flight">2</td>');
    expect(acme).toContain('<td data-field="spend">125.00 / 500.00 USD per UTC month (25%)');
    expect(acme).toContain('+ 1.50 reserved');
    expect(acme).toContain('<td class="num" data-field="weight">3</td>');
    expect(acme).toContain('<td class="num" data-field="cap">10</td>');
    expect(acme).toContain('<td data-field="paused">no</td>');
    expect(acme).toContain('action="/ops/tenants/pause"');
    expect(acme).toContain('<input type="hidden" name="csrf" value="tok&lt;pause:acme&gt;">');
    expect(acme).toContain('>Pause</button>');

    const beta = page.slice(page.indexOf('id="tenant-beta"'));
    expect(beta).toContain('0.0015 USD <span class="hint">· no budget</span>');
    expect(beta).toContain('<td class="num" data-field="cap">—</td>');
    expect(beta).toContain('<span class="paused">paused</span>');
    expect(beta).toContain('action="/ops/tenants/resume"');
    expect(beta).toContain('value="tok&lt;resume:beta&gt;"');
    expect(beta).toContain('>Resume</button>');
    expect(page).toContain('Read at 2026-11-24T04:30:00.000Z');
    expect(page).toContain('<a href="/ops/find">Find a generation</a>');
    expect(page).toContain('<a href="/ops/">Queues board</a>');
  });

  it('marks a budget that spend and reservations have used up', () => {
    const page = tenantsPage(
      [tenant({ budget: { limitUsd: 10, period: 'day' } }, { spentUsd: 9, reservedUsd: 1 })],
      opts,
    );
    expect(page).toContain('<span class="over">9.00 / 10.00 USD</span> per UTC day (90%)');
  });

  it('escapes every value, the notice included', () => {
    const evil = '"><script>alert(1)</script>';
    const page = tenantsPage([tenant({ name: evil })], {
      ...opts,
      basePath: `/o${evil}`,
      notice: { action: 'pause', tenant: evil },
    });
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('says so when there are no tenants, and shows the notice after an action', () => {
    const page = tenantsPage([], { ...opts, notice: { action: 'resume', tenant: 'acme' } });
    expect(page).toContain('id="no-tenants"');
    expect(page).toContain('Resumed <strong>acme</strong>');
  });
});

describe('helpers', () => {
  it('formats dollars and names form purposes', () => {
    expect(formatUsd(2)).toBe('2.00');
    expect(formatUsd(0.000001)).toBe('0.000001');
    expect(tenantFormPurpose('pause', 'acme')).toBe('tenant-pause:acme');
  });
});
