// @ts-check

/** @typedef {'AMBIGUOUS_DEPENDENCY' | 'UNSUPPORTED_IMPORT_META' | 'BUILD_FAILED'} LauncherBundleErrorCode */

/** Why the launcher bundle could not be built; `npm start` then runs the sources through tsx. */
export class LauncherBundleError extends Error {
  /**
   * @param {LauncherBundleErrorCode} code
   * @param {string} message
   * @param {{ cause?: unknown }} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    this.name = 'LauncherBundleError';
    /** @type {LauncherBundleErrorCode} */
    this.code = code;
  }
}
