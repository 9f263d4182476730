// Rose's five party messages, and what Rose's bridge (or ours) sends back (docs/bridge.md).
export const MSG = Object.freeze({
  getState: 'party-get-state',
  enable: 'party-enable',
  disable: 'party-disable',
  addPeer: 'party-add-peer',
  removePeer: 'party-remove-peer',
  state: 'party-state',
  enabled: 'party-enabled',
  disabled: 'party-disabled',
  peerAdded: 'party-peer-added',
  peerRemoved: 'party-peer-removed',
  phase: 'phase-change',
  error: 'party-error', // our bridge only: a request it could not read
  // League chat (our bridge and the Rose integration's handle_ui_message; docs/league-chat.md)
  setLeagueChat: 'party-set-league-chat',
  forgetFriend: 'party-forget-friend',
  leagueChatSet: 'party-league-chat',
  friendForgotten: 'party-friend-forgotten',
});

/** The message types the panel listens to (it subscribes to every MSG value). */
export const INCOMING = Object.freeze([
  MSG.state,
  MSG.enabled,
  MSG.disabled,
  MSG.peerAdded,
  MSG.peerRemoved,
  MSG.phase,
  MSG.error,
  MSG.leagueChatSet,
  MSG.friendForgotten,
]);
