import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURES, SCHEMA, validate, fixture } from './fixtures.js';

test('every fixture fits the bridge schema', () => {
  const names = Object.keys(FIXTURES);
  assert.ok(names.length >= 15, names.length);
  for (const name of names) {
    assert.ok(validate(FIXTURES[name].message), `${name}: ${JSON.stringify(validate.errors)}`);
    assert.ok(['ours', 'rose'].includes(FIXTURES[name].from), name);
  }
  const types = new Set(names.map((n) => FIXTURES[n].message.type));
  for (const t of ['party-state', 'party-enabled', 'party-disabled', 'party-peer-added', 'party-peer-removed', 'phase-change', 'party-error']) {
    assert.ok(types.has(t), `no fixture of ${t}`);
  }
});

test('the schema refuses what the bridge never sends', () => {
  for (const bad of [
    { ...fixture('ours-state'), enabled: 'yes' },
    { ...fixture('ours-state'), my_token: 'not a token' },
    { ...fixture('ours-phase-in-game'), party_phase: 'dancing' },
    { ...fixture('rose-peer-added'), success: 'true' },
    { type: 'party-nonsense' },
    { enabled: true },
  ]) {
    assert.equal(validate(bad), false, JSON.stringify(bad).slice(0, 80));
  }
  assert.throws(() => fixture('rose-enabled', { token: 42 }), /does not fit bridge-schema.json/);
});

test('the panel requests fit the schema', () => {
  for (const request of [
    { type: 'party-get-state' },
    { type: 'party-enable' },
    { type: 'party-disable' },
    { type: 'party-add-peer', token: 'join me: `wpiX`' },
    { type: 'party-remove-peer', summoner_id: 42 },
  ]) {
    assert.ok(validate(request), `${request.type}: ${JSON.stringify(validate.errors)}`);
  }
  assert.equal(validate({ type: 'party-add-peer' }), false);
  assert.equal(validate({ type: 'party-remove-peer' }), false);
  assert.match(SCHEMA.title, /bridge version 1/);
});
