// League chat in the panel's pure step: the state's league_chat object, the one-time
// explanation, verified members, forgetting a remembered friend. Every message is checked
// against bridge-schema.json first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MSG } from '../src/messages.js';
import { PANEL, initialState, step } from '../src/reducer.js';
import { fixture, frozen, validate } from './fixtures.js';

const NOW = 1000;
const CHAT = {
  available: true,
  enabled: false,
  explained: false,
  running: false,
  auto: false,
  problem: null,
  remembered: [{ puuid: 'p-jinx', name: 'Jinx Enjoyer#EUW', linked_at: 900.5 }],
  refused: [],
};

function checked(message) {
  assert.ok(validate(message), JSON.stringify(validate.errors));
  return message;
}

function run(state, ...events) {
  let result = { state, effects: [] };
  for (const event of events) result = step(frozen(result.state), event, NOW);
  return result.state;
}

const withChat = (chat = {}) => {
  const members = fixture('ours-state').members.map((m, i) => ({ ...m, verified: i === 0 }));
  return checked({ ...fixture('ours-state'), members, league_chat: { ...CHAT, ...chat } });
};

test('league_chat and verified are read from party-state; a bridge without them has none', () => {
  const state = run(initialState(), { type: PANEL.connected }, withChat());
  assert.deepEqual(state.leagueChat.remembered, [{ puuid: 'p-jinx', name: 'Jinx Enjoyer#EUW', linkedAt: 900.5 }]);
  assert.equal(state.leagueChat.enabled, false);
  assert.deepEqual(state.members.map((m) => m.verified), [true, false]);
  const rose = run(state, fixture('rose-state-old-peers'));
  assert.equal(rose.leagueChat, null);
  assert.ok(rose.members.every((m) => m.verified === false));
});

test('the explanation opens, cancels, and the set reply updates the setting', () => {
  let state = run(initialState(), { type: PANEL.connected }, withChat());
  state = run(state, { type: PANEL.chatAsk });
  assert.equal(state.chatExplaining, true);
  assert.equal(run(state, { type: PANEL.chatCancel }).chatExplaining, false);
  state = run(state, { type: PANEL.chatSent });
  assert.equal(state.chatExplaining, false);
  assert.equal(state.chatPending, true);
  const reply = checked({ type: MSG.leagueChatSet, success: true, enabled: true, explained: true });
  state = run(state, reply);
  assert.equal(state.chatPending, false);
  assert.equal(state.leagueChat.enabled, true);
  assert.equal(state.leagueChat.explained, true);
});

test('a refused setting unblocks the toggle and says why', () => {
  let state = run(initialState(), { type: PANEL.connected }, withChat(), { type: PANEL.chatSent });
  const error = checked({
    type: MSG.error,
    error: 'League chat is not available in this party service.',
    code: 'league-chat-unavailable',
    request_type: MSG.setLeagueChat,
  });
  state = run(state, error);
  assert.equal(state.chatPending, false);
  assert.match(state.notice, /not available/);
});

test('forgetting a friend removes it once the bridge says so', () => {
  let state = run(initialState(), { type: PANEL.connected }, withChat(), { type: PANEL.forgetSent, puuid: 'p-jinx' });
  assert.equal(state.forgetting, 'p-jinx');
  state = run(state, checked({ type: MSG.friendForgotten, success: true, count: 1, puuid: 'p-jinx' }));
  assert.equal(state.forgetting, null);
  assert.deepEqual(state.leagueChat.remembered, []);
  const all = run(run(initialState(), { type: PANEL.connected }, withChat()), checked({ type: MSG.friendForgotten, success: true, count: 1, all: true }));
  assert.deepEqual(all.leagueChat.remembered, []);
});

test('hostile league_chat values are read safely', () => {
  const raw = withChat();
  raw.league_chat = { available: 'yes', enabled: 1, remembered: [null, 7, { puuid: '' }, { puuid: 'x', name: 5 }] };
  const state = run(initialState(), { type: PANEL.connected }, raw);
  assert.equal(state.leagueChat.available, false);
  assert.equal(state.leagueChat.enabled, false);
  assert.deepEqual(state.leagueChat.remembered, [{ puuid: 'x', name: '5', linkedAt: null }]);
});
