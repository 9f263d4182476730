// Member rows: a friend's name, link status, every pick (champion, skin, chroma or custom
// mod, installed or not, the injection outcome) and the remove button; remembered friends.

import { el } from './dom.js';
import { isRemoving } from './reducer.js';

export function skinLine(m) {
  if (m.championName === null && m.championId === null) return 'No champion yet';
  const champion = m.championName || `Champion ${m.championId}`;
  const parts = [champion];
  if (m.customMod) parts.push(m.customMod);
  else if (m.skinName) parts.push(m.skinName);
  if (m.chromaName) parts.push(m.chromaName);
  return parts.join(' · ');
}

/** Only the League client's own asset paths, built from numbers: nothing a peer typed. */
export function previewUrl(m) {
  if (m.championId === null || m.skinId === null) return null;
  return `/lol-game-data/assets/v1/champion-tiles/${m.championId}/${m.skinId}.jpg`;
}

export function statusLabel(m) {
  if (m.status === 'relayed') return m.via ? `via ${m.via}` : m.statusText || 'relayed';
  if (m.status === 'direct' && m.rttMs !== null) return `direct · ${Math.round(m.rttMs)} ms`;
  return m.statusText || m.status;
}

const QUIET = new Set(['injected', 'missing-locally']); // the skin line / missing note say it

/** The hook's outcome when it needs words beyond "injected" / "missing"; null otherwise. */
function outcomeLine(p, role) {
  if (!p.injection || QUIET.has(p.injection)) return null;
  return el('div', { class: 'rpm-warn', 'data-role': role, 'data-injection': p.injection, text: p.injectionDetail || p.injection });
}

/** One line per pick (Swiftplay): the skin, installed or not, and what the hook did. */
function pickList(picks) {
  return el(
    'ul',
    { class: 'rpm-picks', 'data-role': 'picks' },
    ...picks.map((p) => {
      const missing = p.skinInstalled === false || p.injection === 'missing-locally';
      const injected = p.injection === 'injected';
      return el(
        'li',
        { class: 'rpm-pick', 'data-role': 'pick', 'data-champion': p.championId, 'data-injection': p.injection },
        el('div', { class: 'rpm-skin', 'data-role': 'skin', text: skinLine(p) }),
        missing
          ? el('div', { class: 'rpm-warn', 'data-role': 'skin-missing', title: p.injectionDetail || null, text: 'Skin missing locally: default to you' })
          : null,
        injected ? el('div', { class: 'rpm-ok', 'data-role': 'injected', title: p.injectionDetail || null, text: 'Injected' }) : null,
        outcomeLine(p, 'injection')
      );
    })
  );
}

/**
 * Row builders over `getState()` (the state being rendered); `actions` has remove(member)
 * and forget(puuid).
 */
export function createRows({ actions, getState }) {
  const brokenPreviews = new Set();

  function preview(m) {
    const box = el('div', { class: 'rpm-preview', 'data-role': 'preview' });
    const initial = (m.championName || m.riotId || '?').trim().charAt(0).toUpperCase();
    const url = previewUrl(m);
    if (!url || brokenPreviews.has(url)) {
      box.textContent = initial;
      return box;
    }
    const img = el('img', { alt: '', src: url, 'data-role': 'preview-img' });
    img.addEventListener('error', () => {
      brokenPreviews.add(url);
      img.remove();
      box.textContent = initial;
    });
    box.append(img);
    return box;
  }

  function memberRow(m) {
    const remove = el('button', {
      class: 'rpm-remove',
      type: 'button',
      title: `Remove ${m.riotId} from the party`,
      'aria-label': `Remove ${m.riotId}`,
      'data-role': 'remove',
      disabled: isRemoving(getState(), m.key) || !Number.isSafeInteger(m.summonerId) || m.summonerId <= 0,
      text: '×',
    });
    remove.addEventListener('click', () => actions.remove(m));
    const several = m.picks.length > 1;
    const missing = !several && (m.skinInstalled === false || m.injection === 'missing-locally');
    const warning = missing
      ? el('div', { class: 'rpm-warn', 'data-role': 'skin-missing', text: 'Skin missing locally: they will look default to you' })
      : null;
    const injection = !several ? outcomeLine(m, 'injection') : null;
    return el(
      'li',
      { class: 'rpm-member', 'data-member': m.key, 'data-status': m.status },
      preview(m),
      el(
        'div',
        { class: 'rpm-member-main' },
        el('div', { class: 'rpm-name', 'data-role': 'riot-id', text: m.riotId }),
        el('span', { class: 'rpm-status', 'data-status': m.status, 'data-role': 'status', text: statusLabel(m) }),
        m.verified
          ? el('span', {
              class: 'rpm-verified',
              'data-role': 'verified',
              title: 'Linked from their League chat message: they are the account that sent it',
              text: '✓ verified',
            })
          : null,
        several ? pickList(m.picks) : el('div', { class: 'rpm-skin', 'data-role': 'skin', text: skinLine(m) }),
        warning,
        injection
      ),
      remove
    );
  }

  function rememberedRow(f) {
    const forget = el('button', {
      class: 'rpm-btn',
      type: 'button',
      'data-role': 'forget',
      disabled: getState().forgetting !== null,
      title: `${f.name} will no longer reconnect by themselves`,
      text: 'Forget',
    });
    forget.addEventListener('click', () => actions.forget(f.puuid));
    return el(
      'li',
      { class: 'rpm-member', 'data-friend': f.puuid },
      el('div', { class: 'rpm-member-main' }, el('div', { class: 'rpm-name', text: f.name })),
      forget
    );
  }

  return { memberRow, rememberedRow };
}
