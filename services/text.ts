// Text from plans and people made safe for a terminal and a commit: no escape sequences, no control characters.

/* eslint-disable no-control-regex -- matching control characters is this file's purpose */
// CSI/OSC and other ESC sequences first (so their parameters go too), then every C0/C1 control and DEL.
const ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const CONTROLS_AND_BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
/* eslint-enable no-control-regex */

/** Keeps line breaks and tabs (a description has paragraphs); drops escape sequences and other controls. */
export function stripControl(text: string): string {
  return text.replace(ESCAPES, '').replace(/\r\n?/g, '\n').replace(CONTROLS, '');
}

/** One line: escape sequences dropped, each run of breaks and controls a single space. */
export function oneLine(text: string): string {
  return text.replace(ESCAPES, '').replace(CONTROLS_AND_BREAKS, ' ').trim();
}
