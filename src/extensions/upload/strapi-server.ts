/**
 * Two flags on every media library file, kept by the back-office (src/back-office/media/file-flags.ts),
 * never set by a person: `confidential` (the file of a confidential document, or a tax receipt's PDF)
 * and `taxReceipt` (a tax receipt's PDF). The media library's conditions filter on them, so hiding
 * those files costs one column, whatever their number.
 */
interface UploadPlugin {
  contentTypes: { file: { schema: { attributes: Record<string, unknown> } } };
}

export default (plugin: UploadPlugin) => {
  // one object per attribute: Strapi writes each one's column name into it
  const flag = () => ({ type: 'boolean', default: false, private: true, configurable: false, writable: false });
  Object.assign(plugin.contentTypes.file.schema.attributes, { confidential: flag(), taxReceipt: flag() });
  return plugin;
};
