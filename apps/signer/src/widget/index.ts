/**
 * @module widget
 * Serving the `<pay-button>` bundle from the signer, and the snippet (versioned URL + SRI) that loads it.
 */
export { createWidgetRoutes, type WidgetRoutesOptions } from './widget-routes.ts';
export {
  DEFAULT_WIDGET_FILE,
  WIDGET_BUILD_COMMAND,
  widgetAssetOf,
  widgetLoader,
  widgetSnippet,
  type WidgetAsset,
  type WidgetSnippet,
} from './widget-asset.ts';
