// The panel's pure step, fed the bridge messages of fixtures/messages.json (each checked
// against bridge-schema.json first). Every input state is deep-frozen: a step that changed
// its input would throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PANEL, TEXT, initialState, isExpired, isRemoving, memberFrom, reduce, step } from '../src/reducer.js';
import { fixture, frozen } from './fixtures.js';

const NOW = 1000;

/** Runs `events` from `state` (frozen at each step); the last {state, effects}, all effects. */
function run(state, ...events) {
  let result = { state, effects: [] };
  const effects = [];
  for (const event of events) {
    result = step(frozen(result.state), event, NOW);
    effects.push(...result.effects);
  }
  return { state: result.state, effects, last: result.effects };
}

const connected = () => run(initialState(), { type: PANEL.connected }).state;
const enabledWith = (...events) => run(connected(), fixture('ours-state'), ...events).state;

test('our party-state: me, members, invite with its expiry, phase, warnings', () => {
  const { state, effects } = run(connected(), fixture('ours-state'));
  assert.equal(state.enabled, true);
  assert.equal(state.me.riotId, 'Ahri Main#EUW');
  assert.deepEqual(
    state.members.map((m) => [m.riotId, m.status, m.statusText, m.via]),
    [
      ['Jinx Enjoyer#EUW', 'direct', 'direct', null],
      ['Lux#EUW', 'relayed', 'via Jinx Enjoyer#EUW', 'Jinx Enjoyer#EUW'],
    ]
  );
  const jinx = state.members[0];
  assert.equal(jinx.key, 'p-jinx');
  assert.equal(jinx.championName, 'Jinx');
  assert.equal(jinx.skinId, 222002);
  assert.equal(jinx.skinInstalled, false);
  assert.equal(jinx.injection, 'missing-locally');
  assert.equal(jinx.rttMs, 12.5);
  assert.deepEqual(state.invite, { token: 'wpiINVITE', expiresAt: 1600 });
  assert.equal(state.answer, null);
  assert.equal(state.phase, 'ChampSelect');
  assert.deepEqual(effects, [{ do: 'phase', phase: 'ChampSelect' }]);
  assert.equal(state.warnings.length, 1);
});

test("Rose's old state: members from peers[], names and selection from the old keys", () => {
  const { state } = run(connected(), fixture('rose-state-old-peers'));
  assert.equal(state.me.riotId, 'Ahri Main#EUW');
  assert.equal(state.me.summonerId, 7);
  assert.deepEqual(
    state.members.map((m) => [m.key, m.riotId, m.status, m.championId, m.skinId]),
    [
      ['42', 'Lux#EUW', 'direct', 99, 99007],
      ['43', 'Zed#EUW', 'connecting', null, null],
    ]
  );
  assert.deepEqual(state.invite, { token: 'wpiROSE', expiresAt: null });
});

test('Swiftplay: every pick of a member with its own outcome; one-pick members have one', () => {
  const { state } = run(connected(), fixture('ours-state-swiftplay'));
  const [jinx] = state.members;
  assert.deepEqual(
    jinx.picks.map((p) => [p.championName, p.skinName, p.skinInstalled, p.injection]),
    [
      ['Jinx', 'Firecracker Jinx', true, 'injected'],
      ['Lee Sin', 'Traditional Lee Sin', false, 'missing-locally'],
    ]
  );
  assert.match(jinx.picks[1].injectionDetail, /64001 is not installed/);
  assert.equal(jinx.injection, 'missing-locally'); // the member's own: the worst of its picks
  assert.equal(jinx.championName, 'Jinx'); // the flat fields stay the first pick
  const single = run(connected(), fixture('ours-state')).state.members;
  assert.deepEqual(
    single.map((m) => m.picks.map((p) => [p.championId, p.skinId, p.injection])),
    [[[222, 222002, 'missing-locally']], []] // one pick, and none yet
  );
  assert.deepEqual(state.warnings, [
    "Jinx Enjoyer#EUW's Lee Sin skin was not injected: skin 64001 is not installed on this PC (Rose's skins folder has no file for it)",
  ]);
  // Rose's old peers[] carry their picks as skin_selections, without names or outcomes
  const old = run(connected(), fixture('rose-state-old-peers')).state.members[0];
  assert.deepEqual(
    old.picks.map((p) => [p.championId, p.skinId, p.championName, p.injection]),
    old.championId === null ? [] : [[old.championId, old.skinId, null, null]]
  );
});

test('a state that is off drops the tokens; the local member is never listed', () => {
  const on = enabledWith();
  const off = reduce(frozen(on), fixture('ours-state-off'), NOW);
  assert.equal(off.enabled, false);
  assert.equal(off.invite, null);
  assert.equal(off.me, null);
  const local = memberFrom({ puuid: 'me', is_local: true });
  const withLocal = fixture('ours-state');
  withLocal.members = [...withLocal.members, { ...withLocal.me, status: 'self' }];
  assert.equal(reduce(frozen(connected()), withLocal, NOW).members.length, 2);
  assert.equal(local.riotId, 'Unknown player');
});

test("Rose's flow: paste while off enables first, then sends the queued token", () => {
  let { state } = run(connected(), fixture('rose-state-before-party'));
  state = reduce(frozen(state), { type: PANEL.pasteSent, text: 'join me: `wpiX`' }, NOW);
  assert.equal(state.pasteQueued, 'join me: `wpiX`');
  assert.equal(state.pasteBusy, true);
  const enabled = run(state, fixture('rose-enabled'));
  assert.equal(enabled.state.enabled, true);
  assert.equal(enabled.state.pasteQueued, null);
  assert.deepEqual(enabled.state.invite, { token: 'wpiROSE', expiresAt: null });
  assert.deepEqual(enabled.effects, [
    { do: 'send', message: { type: 'party-add-peer', token: 'join me: `wpiX`' }, failed: { type: PANEL.queuedSendFailed } },
  ]);
  // Rose's party-peer-added says only success: "accepted", the state says which.
  const added = run(enabled.state, fixture('rose-peer-added'));
  assert.equal(added.state.awaitingResult, true);
  assert.equal(added.state.pasteNote.text, TEXT.tokenAccepted);
  assert.deepEqual(added.effects.map((e) => e.do), ['clear-paste', 'note-timer']);
  const told = run(added.state, fixture('ours-state-answer'));
  assert.equal(told.state.pasteNote.text, TEXT.answerBack);
  assert.equal(told.state.awaitingResult, false);
  assert.deepEqual(told.state.answer, { token: 'wpaANSWER', expiresAt: 1700 });
});

test('the queued token could not be sent: the paste box says so', () => {
  let state = reduce(frozen(connected()), { type: PANEL.pasteSent, text: 'wpiX' }, NOW);
  state = run(state, fixture('rose-enabled'), { type: PANEL.queuedSendFailed }).state;
  assert.equal(state.pasteBusy, false);
  assert.deepEqual([state.pasteNote.kind, state.pasteNote.text], ['error', TEXT.bridgeGone]);
});

test('enabling fails: with a queued paste under the box, else as the notice', () => {
  const queued = reduce(frozen(connected()), { type: PANEL.pasteSent, text: 'wpiX' }, NOW);
  const failedPaste = run(queued, fixture('rose-enabled-failed')).state;
  assert.equal(failedPaste.pasteNote.kind, 'error');
  assert.match(failedPaste.pasteNote.text, /LCU not available/);
  assert.equal(failedPaste.notice, null);
  const failed = run(connected(), { type: PANEL.toggleSent }, fixture('rose-enabled-failed')).state;
  assert.match(failed.notice, /LCU not available/);
  assert.equal(failed.pendingToggle, false);
  assert.equal(failed.pasteNote, null);
});

test('our own bridge says answer or completed at once', () => {
  const sent = run(enabledWith(), { type: PANEL.pasteSent, text: 'wpiFRIEND' });
  const answer = run(sent.state, fixture('ours-peer-added-answer'));
  assert.deepEqual(answer.state.answer, { token: 'wpaANSWER', expiresAt: 1700 });
  assert.equal(answer.state.pasteNote.text, TEXT.answerBack);
  assert.equal(answer.state.pasteBusy, false);
  const done = run(sent.state, fixture('ours-peer-added-completed'));
  assert.equal(done.state.pasteNote.text, TEXT.answerAccepted);
  assert.deepEqual(done.effects.map((e) => e.do), ['clear-paste', 'note-timer']);
});

test('a refused token keeps the paste box and starts no timer', () => {
  const sent = run(enabledWith(), { type: PANEL.pasteSent, text: 'wpiBAD' }).state;
  const refused = run(sent, fixture('rose-peer-added-failed'));
  assert.deepEqual([refused.state.pasteNote.kind, refused.state.pasteNote.text], ['error', 'Party mode not enabled']);
  assert.deepEqual(refused.effects, []);
  const expired = run(sent, fixture('rose-peer-added'), fixture('ours-state-expired-paste')).state;
  assert.equal(expired.pasteNote.kind, 'error');
  assert.match(expired.pasteNote.text, /expired 20 minutes ago/);
});

test('a last_result from before this panel connected is not shown', () => {
  const { state, effects } = run(connected(), fixture('ours-state-expired-paste'));
  assert.equal(state.pasteNote, null);
  assert.equal(state.lastResultAt, 1001.5);
  assert.deepEqual(effects, [{ do: 'phase', phase: 'Lobby' }]);
});

test('only the current success note goes away by its timer', () => {
  const first = run(enabledWith(), { type: PANEL.pasteSent, text: 'a' }, fixture('ours-peer-added-completed'));
  const firstSerial = first.state.pasteNote.serial;
  const second = run(first.state, { type: PANEL.pasteSent, text: 'b' }, fixture('ours-peer-added-completed'));
  assert.notEqual(second.state.pasteNote.serial, firstSerial);
  const stale = step(frozen(second.state), { type: PANEL.noteTimeout, serial: firstSerial }, NOW);
  assert.equal(stale.state, second.state); // unchanged: the same object
  const current = reduce(second.state, { type: PANEL.noteTimeout, serial: second.state.pasteNote.serial }, NOW);
  assert.equal(current.pasteNote, null);
});

test('our answer was used: the "send it back" note goes', () => {
  const { state } = run(enabledWith(), { type: PANEL.pasteSent, text: 'i' }, fixture('ours-peer-added-answer'));
  assert.equal(state.pasteNote.kind, 'ok');
  const linked = reduce(frozen(state), fixture('ours-state'), NOW);
  assert.equal(linked.answer, null);
  assert.equal(linked.pasteNote, null);
});

test('removal: busy until the member leaves; a timer that is no longer current does nothing', () => {
  const on = enabledWith();
  const lux = on.members[1];
  const sent = run(on, { type: PANEL.removeSent, key: lux.key, riotId: lux.riotId });
  const serial = sent.state.removing[lux.key];
  assert.deepEqual(sent.effects, [{ do: 'remove-timer', key: lux.key, serial, riotId: 'Lux#EUW' }]);
  // no answer within the time: say so
  const late = reduce(frozen(sent.state), { type: PANEL.removeTimeout, key: lux.key, serial, riotId: lux.riotId }, NOW);
  assert.equal(late.notice, 'Lux#EUW could not be removed.');
  assert.deepEqual(late.removing, {});
  // the state without Lux arrives first: the timer that fires later changes nothing
  const gone = fixture('ours-state');
  gone.members = gone.members.filter((m) => m.puuid !== 'p-lux');
  const left = reduce(frozen(sent.state), gone, NOW);
  assert.deepEqual(left.removing, {});
  const timer = step(frozen(left), { type: PANEL.removeTimeout, key: lux.key, serial, riotId: lux.riotId }, NOW);
  assert.equal(timer.state, left);
});

test("Rose's party-peer-removed ends the wait for that summoner id only", () => {
  const on = run(connected(), fixture('rose-state-old-peers')).state;
  const both = run(on, { type: PANEL.removeSent, key: '42', riotId: 'Lux#EUW' }, { type: PANEL.removeSent, key: '43', riotId: 'Zed#EUW' }).state;
  const removed = reduce(frozen(both), fixture('rose-peer-removed'), NOW);
  assert.deepEqual(Object.keys(removed.removing), ['43']);
  assert.equal(removed.notice, null);
  const refused = reduce(frozen(both), fixture('ours-peer-removed-unknown'), NOW);
  assert.equal(refused.notice, 'No party member by that id.');
});

test('party-error: tied to a paste, to the switch, or to nothing known', () => {
  const pasting = run(enabledWith(), { type: PANEL.pasteSent, text: '' }).state;
  const paste = reduce(frozen(pasting), fixture('ours-error-add-peer'), NOW);
  assert.deepEqual([paste.pasteNote.kind, paste.pasteNote.text], ['error', 'Paste a token first.']);
  assert.equal(paste.pasteBusy, false);
  const busy = run(connected(), { type: PANEL.inviteSent }, { type: PANEL.toggleSent }, { type: PANEL.pasteSent, text: 'x' }).state;
  const unknown = reduce(frozen({ ...busy, pasteQueued: null }), fixture('ours-error-unreadable'), NOW);
  assert.deepEqual([unknown.inviteRequested, unknown.pasteBusy, unknown.pendingToggle], [false, false, false]);
  assert.match(unknown.notice, /not JSON/);
  const enable = reduce(frozen({ ...busy, pasteQueued: null }), fixture('ours-error-add-peer', { request_type: 'party-enable' }), NOW);
  assert.deepEqual([enable.inviteRequested, enable.pendingToggle, enable.pasteBusy], [false, false, true]);
});

test('disable: success clears the tokens and the note, a refusal is the notice', () => {
  const on = run(enabledWith(), { type: PANEL.pasteSent, text: 'x' }, fixture('ours-peer-added-completed')).state;
  const off = reduce(frozen(on), fixture('rose-disabled'), NOW);
  assert.deepEqual([off.enabled, off.invite, off.answer, off.pasteNote], [false, null, null, null]);
  const refused = reduce(frozen(on), fixture('rose-disabled', { success: false, error: 'busy' }), NOW);
  assert.equal(refused.enabled, true);
  assert.equal(refused.notice, 'busy');
});

test('the phase: a watcher effect only when it changes', () => {
  const lobby = run(connected(), fixture('rose-phase-lobby'));
  assert.deepEqual(lobby.effects, [{ do: 'phase', phase: 'Lobby' }]);
  assert.deepEqual(run(lobby.state, fixture('rose-phase-lobby')).effects, []);
  const game = run(lobby.state, fixture('ours-phase-in-game'));
  assert.deepEqual(game.effects, [{ do: 'phase', phase: 'InProgress' }]);
  assert.equal(game.state.phase, 'InProgress');
});

test('bridge status and reconnect', () => {
  const start = initialState();
  const up = run(start, { type: PANEL.status, ready: true }).state;
  assert.equal(up.bridgeReady, true);
  assert.equal(step(frozen(up), { type: PANEL.status, ready: true }, NOW).state, up);
  const busy = run(up, { type: PANEL.inviteSent }, { type: PANEL.pasteSent, text: 'x' }).state;
  const back = reduce(frozen(busy), { type: PANEL.connected }, NOW);
  assert.deepEqual([back.pasteBusy, back.pasteQueued, back.inviteRequested], [false, null, false]);
});

test('unknown events and our own requests echoed back change nothing', () => {
  const state = frozen(enabledWith());
  for (const event of [{ type: 'party-enable' }, { type: 'skin-update' }, {}, null]) {
    const result = step(state, event, NOW);
    assert.equal(result.state, state);
    assert.deepEqual(result.effects, []);
  }
});

test('expiry is judged at the time given', () => {
  assert.equal(isExpired({ token: 't', expiresAt: 1600 }, 1599), false);
  assert.equal(isExpired({ token: 't', expiresAt: 1600 }, 1600), true);
  assert.equal(isExpired({ token: 't', expiresAt: null }, 1e12), false);
  assert.equal(isExpired(null, 0), false);
});

test('the same last_result again is not shown twice', () => {
  const sent = run(enabledWith(), { type: PANEL.pasteSent, text: 'wpiBAD' }, fixture('rose-peer-added')).state;
  const shown = run(sent, fixture('ours-state-expired-paste'));
  assert.equal(shown.state.pasteNote.kind, 'error');
  const retry = run(shown.state, { type: PANEL.pasteSent, text: 'wpiOTHER' }).state;
  assert.equal(retry.pasteNote, null);
  const again = run(retry, fixture('ours-state-expired-paste'));
  assert.equal(again.state.pasteNote, null); // the broadcast repeats the old result
  assert.equal(again.state.pasteBusy, true);
});

test('member keys are plain keys, even "__proto__" and "constructor"', () => {
  const on = fixture('ours-state');
  on.members = on.members.map((m, i) => ({ ...m, puuid: ['__proto__', 'constructor'][i] }));
  const state = reduce(frozen(connected()), on, NOW);
  assert.equal(isRemoving(state, 'constructor'), false);
  const sent = run(state, { type: PANEL.removeSent, key: '__proto__', riotId: 'x' }).state;
  assert.equal(isRemoving(sent, '__proto__'), true);
  assert.equal(Object.getPrototypeOf(sent.removing), Object.prototype);
  const kept = reduce(frozen(sent), on, NOW); // still listed: still waiting
  assert.equal(isRemoving(kept, '__proto__'), true);
  assert.equal(Object.getPrototypeOf(kept.removing), Object.prototype);
});
