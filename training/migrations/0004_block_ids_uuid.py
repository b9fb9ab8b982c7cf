"""Only UUIDs as block ids: the fields refuse others, and ids stored before are
replaced in pages and their revisions (see training/block_ids.py)."""

import wagtail.fields
from django.db import migrations

from training.block_ids import clean_block_ids_migration


class Migration(migrations.Migration):

    dependencies = [
        ('training', '0003_trainers_group'),
    ]

    operations = [
        migrations.AlterField(
            model_name='standardpage',
            name='body',
            field=wagtail.fields.StreamField([('rich_text', 0), ('heading', 3), ('key_point', 6), ('case_study', 9), ('reflection', 12), ('video', 15), ('resource', 19), ('quote', 22), ('accordion', 26), ('support_signpost', 34)], blank=True, block_lookup={0: ('wagtail.blocks.RichTextBlock', (), {'description': 'Paragraphs, lists and links.', 'features': ['h3', 'h4', 'bold', 'italic', 'ol', 'ul', 'link', 'document-link'], 'icon': 'pilcrow', 'template': 'blocks/rich_text.html'}), 1: ('wagtail.blocks.CharBlock', (), {'max_length': 200}), 2: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('h2', 'Section (level 2)'), ('h3', 'Subsection (level 3)')]}), 3: ('wagtail.blocks.StructBlock', [[('text', 1), ('level', 2)]], {}), 4: ('wagtail.blocks.CharBlock', (), {'default': 'Key point', 'max_length': 200}), 5: ('wagtail.blocks.RichTextBlock', (), {'features': ['h3', 'h4', 'bold', 'italic', 'ol', 'ul', 'link', 'document-link']}), 6: ('wagtail.blocks.StructBlock', [[('title', 4), ('body', 5)]], {}), 7: ('wagtail.blocks.CharBlock', (), {'label': 'Question', 'max_length': 500}), 8: ('training.blocks.UUIDListBlock', (7,), {'label': 'Discussion questions', 'min_num': 1}), 9: ('wagtail.blocks.StructBlock', [[('title', 1), ('vignette', 5), ('questions', 8)]], {}), 10: ('wagtail.blocks.TextBlock', (), {'max_length': 1000}), 11: ('wagtail.blocks.RichTextBlock', (), {'features': ['h3', 'h4', 'bold', 'italic', 'ol', 'ul', 'link', 'document-link'], 'required': False}), 12: ('wagtail.blocks.StructBlock', [[('prompt', 10), ('guidance', 11)]], {}), 13: ('wagtail.embeds.blocks.EmbedBlock', (), {'help_text': 'A YouTube or Vimeo address.'}), 14: ('wagtail.blocks.RichTextBlock', (), {'features': ['h3', 'h4', 'bold', 'italic', 'ol', 'ul', 'link', 'document-link'], 'help_text': 'Required: a full text transcript.'}), 15: ('wagtail.blocks.StructBlock', [[('url', 13), ('title', 1), ('transcript', 14)]], {}), 16: ('wagtail.documents.blocks.DocumentChooserBlock', (), {}), 17: ('wagtail.blocks.CharBlock', (), {'max_length': 200, 'required': False}), 18: ('wagtail.blocks.TextBlock', (), {'max_length': 500, 'required': False}), 19: ('wagtail.blocks.StructBlock', [[('document', 16), ('title', 17), ('description', 18)]], {}), 20: ('wagtail.blocks.TextBlock', (), {'max_length': 2000}), 21: ('wagtail.blocks.CharBlock', (), {'max_length': 300, 'required': False}), 22: ('wagtail.blocks.StructBlock', [[('quote', 20), ('attribution', 17), ('context', 21)]], {}), 23: ('wagtail.blocks.CharBlock', (), {'max_length': 300}), 24: ('wagtail.blocks.StructBlock', [[('question', 23), ('answer', 5)]], {}), 25: ('training.blocks.UUIDListBlock', (24,), {'min_num': 1}), 26: ('wagtail.blocks.StructBlock', [[('title', 17), ('items', 25)]], {}), 27: ('wagtail.blocks.CharBlock', (), {'default': 'If this has affected you', 'max_length': 200}), 28: ('wagtail.blocks.TextBlock', (), {'max_length': 1000, 'required': False}), 29: ('wagtail.blocks.CharBlock', (), {'max_length': 40, 'required': False}), 30: ('wagtail.blocks.URLBlock', (), {'label': 'Web address', 'required': False}), 31: ('wagtail.blocks.CharBlock', (), {'label': 'Opening hours', 'max_length': 200, 'required': False}), 32: ('wagtail.blocks.StructBlock', [[('name', 1), ('description', 28), ('phone', 29), ('url', 30), ('hours', 31)]], {}), 33: ('training.blocks.UUIDListBlock', (32,), {'min_num': 1}), 34: ('wagtail.blocks.StructBlock', [[('title', 27), ('intro', 28), ('services', 33)]], {})}),
        ),
        migrations.RunPython(
            clean_block_ids_migration(
                app_label="training", model_name="StandardPage", fields=['body']
            ),
            migrations.RunPython.noop,
        ),
    ]
