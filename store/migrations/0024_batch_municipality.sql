-- A batch can collect one municipality's tablets: a joint council's
-- roster holds a Kommunestyret for each of its municipalities, and a
-- batch of one of them expected both. Batches opened before it collect
-- from every municipality, as they did.
ALTER TABLE batches ADD COLUMN municipality TEXT NOT NULL DEFAULT '';
