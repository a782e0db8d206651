/// The vocabulary seeded data is drawn from: products, buyer names and the things buyers and
/// sellers write, in Russian and in English, as on a real storefront.
enum WildberriesCatalog {
    static let products: [WildberriesSimulatedProduct] = [
        .init(nmId: 318_822_017, imtId: 201_934_455, name: "Хлопковая футболка", supplierArticle: "TS-101/white",
              supplierName: "ООО Пример", brandName: "Example", size: "M", subjectId: 192, subjectName: "Футболки",
              color: "белый", price: 990),
        .init(nmId: 224_747_484, imtId: 202_306_781, name: "Карандаш с ластиком", supplierArticle: "12113156uw",
              supplierName: "ООО Пример", brandName: "Brand", size: "0", subjectId: 2_271, subjectName: "Карандаши",
              color: "жёлтый", price: 45),
        .init(nmId: 145_902_331, imtId: 131_882_004, name: "Термокружка 450 мл", supplierArticle: "MUG-450-BLK",
              supplierName: "ООО Пример", brandName: "Example Home", size: "0", subjectId: 3_110, subjectName: "Термокружки",
              color: "чёрный", price: 1_290),
        .init(nmId: 98_213_776, imtId: 88_120_943, name: "Wireless earbuds Pro", supplierArticle: "EB-PRO-2",
              supplierName: "Example Trading LLC", brandName: "Sonique", size: "0", subjectId: 1_505, subjectName: "Наушники",
              color: "white", price: 3_490),
        .init(nmId: 402_115_690, imtId: 310_554_120, name: "Running shoes Air Light", supplierArticle: "RUN-AL-42",
              supplierName: "Example Trading LLC", brandName: "Stride", size: "42", subjectId: 105, subjectName: "Кроссовки",
              color: "grey", price: 5_990),
        .init(nmId: 276_330_118, imtId: 244_019_877, name: "Шерстяной шарф", supplierArticle: "SC-WOOL-01",
              supplierName: "ИП Иванова", brandName: "Тёплый дом", size: "0", subjectId: 227, subjectName: "Шарфы",
              color: "бордовый", price: 1_750),
        .init(nmId: 187_004_552, imtId: 160_772_301, name: "Yoga mat 6 mm", supplierArticle: "YM-6-PURPLE",
              supplierName: "Example Trading LLC", brandName: "Zenfit", size: "0", subjectId: 4_802, subjectName: "Коврики для йоги",
              color: "purple", price: 1_490),
        .init(nmId: 356_781_209, imtId: 299_450_812, name: "Детский рюкзак", supplierArticle: "KB-22-BLUE",
              supplierName: "ИП Иванова", brandName: "Малыш", size: "0", subjectId: 512, subjectName: "Рюкзаки",
              color: "синий", price: 2_390),
    ]

    static let buyerNames = ["Мария", "Алексей", "Ольга", "Дмитрий", "Екатерина", "Сергей", "Анна", "Игорь",
                             "Наталья", "Павел", "Emma", "John", "Olivia", "Liam", "Sofia", "Noah", ""]

    static let positiveRussian = [
        "Отличное качество, сидит идеально. Рекомендую!", "Всё пришло быстро, упаковано аккуратно. Спасибо продавцу!",
        "Очень довольна покупкой, цвет как на фото.", "Беру уже второй раз, качество не подводит.",
        "Хороший товар за свои деньги.",
    ]
    static let positiveEnglish = [
        "Great quality, fits perfectly. Highly recommend!", "Arrived quickly and well packed. Thank you!",
        "Exactly as described, the colour matches the photos.", "Second purchase, still happy with the quality.",
        "Good value for money.",
    ]
    static let neutralRussian = [
        "В целом нормально, но размер немного маломерит.", "Товар хороший, но доставка заняла больше недели.",
        "Цвет чуть темнее, чем на фото.",
    ]
    static let neutralEnglish = [
        "Decent overall, but runs a little small.", "Fine product, but delivery took more than a week.",
        "The colour is a bit darker than in the pictures.",
    ]
    static let negativeRussian = [
        "Пришёл не тот цвет, очень расстроена.", "Швы расходятся после первой стирки.",
        "Упаковка была повреждена, товар поцарапан.",
    ]
    static let negativeEnglish = [
        "Wrong colour delivered, very disappointed.", "Seams came apart after the first wash.",
        "The box was damaged and the item scratched.",
    ]
    static let pros = ["Мягкая ткань", "Удобно", "Красивый цвет", "Comfortable", "Nice colour", ""]
    static let cons = ["Маломерит", "Долгая доставка", "Runs small", "Slow delivery", ""]

    static let sellerAnswersRussian = [
        "Спасибо за отзыв! Рады, что покупка понравилась.", "Благодарим за обратную связь, передадим её на производство.",
        "Нам очень жаль. Пожалуйста, напишите нам в чат — поможем с обменом.",
    ]
    static let sellerAnswersEnglish = [
        "Thank you for your feedback! We are glad you like it.", "Thanks, we have passed your comments on to our team.",
        "We are sorry to hear that. Please message us in the chat and we will arrange an exchange.",
    ]

    static let questionsRussian = [
        "Подскажите, есть ли размер побольше?", "Когда снова будет в наличии?", "Можно ли стирать в машинке?",
        "Какая страна производства?", "Подходит ли для посудомоечной машины?",
    ]
    static let questionsEnglish = [
        "Is there a larger size available?", "When will it be back in stock?", "Is it machine washable?",
        "Where is it made?", "Is it dishwasher safe?",
    ]
    static let questionAnswersRussian = ["Да, есть размеры до 56.", "Поставка ожидается на следующей неделе.",
                                         "Да, при 30 градусах в деликатном режиме."]
    static let questionAnswersEnglish = ["Yes, sizes go up to XXL.", "We expect new stock next week.",
                                         "Yes, at 30 °C on a gentle cycle."]

    static let buyerChatOpeners = [
        "Здравствуйте! Пришёл не тот цвет. Можно вернуть и заказать другой товар?",
        "Добрый день! Заказ всё ещё не пришёл, подскажите, где он?", "Здравствуйте, можно заказать 100 штук?",
        "Hello! The item arrived damaged, what should I do?", "Hi, do you ship to Kazakhstan?",
        "Hello, can I change the size of my order?",
    ]
    static let buyerFollowUps = ["Спасибо!", "Хорошо, жду.", "А сколько это займёт времени?", "Thank you!",
                                 "Okay, I will wait.", "How long will it take?"]
    static let sellerChatReplies = [
        "Здравствуйте. Да, сейчас оформим возврат.", "Добрый день! Проверим и вернёмся с ответом сегодня.",
        "Hello! We are sorry about that, we will send a replacement.", "Hi! Yes, please create a return request.",
    ]
}
